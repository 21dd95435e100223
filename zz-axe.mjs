import { chromium } from 'playwright';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const p = await b.newPage({ viewport: { width: 1366, height: 768 } });
await p.route('**/__axe.min.js', (route) => route.fulfill({ contentType: 'text/javascript', body: axeSource }));
const url = process.argv[2] ?? 'http://127.0.0.1:4173/?sample=app-timeout';
await p.goto(url);
await p.waitForSelector('.monaco-diff-editor');
await p.waitForTimeout(1000);
await p.addScriptTag({ url: '/__axe.min.js' });
for (const scheme of ['light', 'dark']) {
  await p.emulateMedia({ colorScheme: scheme });
  await p.waitForTimeout(300);
  const r = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })));
  console.log(scheme, JSON.stringify(r.violations.map((v) => ({ id: v.id, n: v.nodes.length, t: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.any[0]?.message ?? '')) })), null, 1));
}
await b.close();
