/**
 * matchLocation over a large generated config: 200 servers × 50 locations (prefix, ^~, regex,
 * exact, nested) and 20 000 requests (host + path), as body-limit/header-size do once per log
 * line. Reports the index build (first call) and the per-lookup cost, min of 5 runs.
 * Writes bench/results/location-match.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildConfig, parseNginx } from '../workers/engine/formats/nginx/index.ts';
import { matchLocation } from '../workers/engine/rules/lib/location-match.ts';

const SERVERS = 200;
const LOCATIONS = 50;
const REQUESTS = 20_000;

function site(i: number): string {
  const locs: string[] = [];
  for (let j = 0; j < LOCATIONS; j++) {
    const kind = j % 5;
    if (kind === 0)
      locs.push(`    location /app${j}/ { proxy_pass http://127.0.0.1:${8000 + j}; }`);
    else if (kind === 1) locs.push(`    location ^~ /static${j}/ { root /srv; }`);
    else if (kind === 2) locs.push(`    location ~* \\.(ext${j}|x${j})$ { expires 1d; }`);
    else if (kind === 3) locs.push(`    location = /exact${j} { return 204; }`);
    else
      locs.push(
        `    location /api${j}/ {\n        location ~ /api${j}/v[0-9]+/ { proxy_pass http://127.0.0.1:9000; }\n        proxy_pass http://127.0.0.1:9001;\n    }`,
      );
  }
  return `server {\n    listen 80;\n    server_name site${i}.example.com *.site${i}.example.org;\n${locs.join('\n')}\n}\n`;
}

const text = Array.from({ length: SERVERS }, (_, i) => site(i)).join('');
const requests = Array.from({ length: REQUESTS }, (_, n) => {
  const i = (n * 7919) % SERVERS;
  const j = (n * 104729) % LOCATIONS;
  const host = n % 3 === 0 ? `www.site${i}.example.org` : `site${i}.example.com`;
  // Mostly paths the location of kind j % 5 serves; every tenth one no location serves.
  const paths = [
    `/app${j}/x`,
    `/static${j}/a.ext${j}`,
    `/b/c.ext${j}`,
    `/exact${j}`,
    `/api${j}/v2/items?q=1`,
  ];
  return { host, path: n % 10 === 9 ? '/nowhere' : paths[j % 5]! };
});

const runs: { buildMs: number; lookupsMs: number }[] = [];
let matched = 0;
for (let r = 0; r < 5; r++) {
  const config = buildConfig([parseNginx('sites.conf', text)]);
  const t0 = performance.now();
  matchLocation(config, requests[0]!.host, requests[0]!.path);
  const t1 = performance.now();
  matched = 0;
  for (const q of requests) if (matchLocation(config, q.host, q.path)) matched++;
  runs.push({ buildMs: t1 - t0, lookupsMs: performance.now() - t1 });
}
const best = (k: 'buildMs' | 'lookupsMs') => Math.min(...runs.map((x) => x[k]));
const result = {
  machine: '2 cores, shared',
  servers: SERVERS,
  locationsPerServer: LOCATIONS,
  configBytes: text.length,
  requests: REQUESTS,
  matched,
  firstCallMs: Number(best('buildMs').toFixed(2)),
  lookupsMs: Number(best('lookupsMs').toFixed(2)),
  microsecondsPerLookup: Number(((best('lookupsMs') * 1000) / REQUESTS).toFixed(2)),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/location-match.json', import.meta.url),
  JSON.stringify(result, null, 2),
);
console.log(result);
