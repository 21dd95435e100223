import { chromium } from 'playwright';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const p = await b.newPage({ viewport: { width: 1366, height: 768 } });
await p.goto('http://127.0.0.1:4173/?sample=app-timeout');
await p.waitForSelector('.monaco-diff-editor'); await p.waitForTimeout(800);
console.log(await p.evaluate(() => [...document.querySelectorAll('.inputarea')].map((t) => [...t.attributes].map((a) => `${a.name}=${a.value.slice(0, 60)}`).join(' | '))));
await b.close();
