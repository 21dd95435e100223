import { chromium } from 'playwright';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const p = await b.newPage({ viewport: { width: 1280, height: 720 } });
let release; const held = new Promise((r) => (release = r));
await p.route(/diff-editor-.*\.js$/, async (route) => { await held; await route.continue(); });
await p.addInitScript(() => {
  window.shifts = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.shifts.push({ v: e.value, t: Math.round(e.startTime), s: e.sources.map((x) => (x.node?.className || x.node?.nodeName || '?') + ' ' + JSON.stringify(x.previousRect) + '→' + JSON.stringify(x.currentRect)) }); }).observe({ type: 'layout-shift', buffered: true });
});
await p.goto('http://127.0.0.1:4173/');
await p.waitForSelector('[data-testid="diff-view"] pre');
await p.waitForTimeout(500);
console.log('before', JSON.stringify(await p.evaluate(() => window.shifts), null, 1));
await p.evaluate(() => (window.shifts = []));
release();
await p.waitForSelector('.monaco-diff-editor'); await p.waitForTimeout(500);
console.log('after', JSON.stringify(await p.evaluate(() => window.shifts), null, 1));
await b.close();
