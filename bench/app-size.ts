/**
 * What the app costs to load: the first-load transfer before Monaco and the engine worker
 * (gzip, as a server would send it), and everything the service worker precaches for offline.
 * Reads dist/ (run `npm run build` first). Writes bench/results/app-size.json.
 */
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const gz = (path: string) => gzipSync(readFileSync(join(dist, path)), { level: 9 }).length;

const html = readFileSync(join(dist, 'index.html'), 'utf8');
// What index.html pulls in by itself: its module script, modulepreloads and stylesheets.
const firstLoad = [
  'index.html',
  ...[...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!),
];
const firstLoadGzip = firstLoad.reduce((n, f) => n + gz(f), 0);

const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const precached = [...new Set([...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!))];
const precacheBytes = precached.reduce((n, f) => n + statSync(join(dist, f)).size, 0);

const files = readdirSync(join(dist, 'assets'));
const engine = files.find((f) => f.startsWith('engine.worker-'))!;
const monaco = files.filter((f) => f.startsWith('diff-editor-') && f.endsWith('.js'));

const result = {
  firstLoadFiles: firstLoad,
  firstLoadGzipBytes: firstLoadGzip,
  engineWorkerGzipBytes: gz(join('assets', engine)),
  monacoGzipBytes: monaco.reduce((n, f) => n + gz(join('assets', f)), 0),
  precacheEntries: precached.length,
  precacheBytes,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/app-size.json', import.meta.url), JSON.stringify(result, null, 2));
console.log(result);
