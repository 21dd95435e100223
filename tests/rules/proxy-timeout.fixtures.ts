/** What both proxy-timeout test files use: the rule's findings, a timeout log line, a config. */
import { analyze } from '../../workers/engine/analyze.ts';
import type { Finding, SourceFile } from '../../workers/engine/model.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';

export const RULE = 'proxy-timeout';
export const V = '1.22.1';
/** The rule's findings, one per place (a finding standing the same way in two places is one with `places`). */
export const ofRule = (files: SourceFile[], unsafe = false): Finding[] =>
  analyze(files, { nginxVersion: V, unsafe })
    .findings.flatMap(eachPlace)
    .filter((f) => f.rule === RULE);

export function timedOut(
  path: string,
  opts: { host?: string; phase?: string; upstream?: string; method?: string } = {},
): string {
  const phase = opts.phase ?? 'reading response header from upstream';
  const upstream = opts.upstream ?? `http://127.0.0.1:8000${path}`;
  return (
    `2024/05/02 10:15:30 [error] 31#31: *8812 upstream timed out (110: Connection timed out) while ${phase}, ` +
    `client: 10.1.2.3, server: shop.example.com, request: "${opts.method ?? 'GET'} ${path} HTTP/1.1", ` +
    `upstream: "${upstream}", host: "${opts.host ?? 'shop.example.com'}"`
  );
}
export const log = (...lines: string[]): SourceFile => ({
  name: 'error.log',
  text: lines.join('\n') + '\n',
});

/** Two servers on one upstream: `/` (default 60 s), `/api/` (10 s), admin `/` (5 m). */
export const twoLocations: SourceFile = {
  name: 'site.conf',
  text: `upstream api {
    server 10.0.0.5:8000;
}
server {
    listen 80;
    server_name shop.example.com;
    location / {
        proxy_pass http://api;
    }
    location /api/ {
        proxy_pass http://api;
        proxy_read_timeout 10s;
        proxy_connect_timeout 2s;
    }
}
server {
    listen 80;
    server_name admin.example.com;
    location / {
        proxy_pass http://api;
        proxy_read_timeout 5m;
    }
}
`,
};
