/**
 * keepalive-race, upgrade-header and retry-policy on large pastes: a config with 200 upstream
 * blocks (two servers each, keepalive pools) behind 400 locations in 20 server blocks (a
 * hard-coded Connection "upgrade" in some, non_idempotent retries in others), a gunicorn
 * gthread backend, and an nginx error log of N lines (race resets and premature closes, retry
 * chains naming two servers) plus an access log of N lines. Each rule's `check` is timed on
 * its own (median of 5) next to the whole `analyze` with fixes switched off (every rule once,
 * plus the fix stage's baseline re-analysis). With fixes on, the fix stage re-analyses once per
 * fix (hundreds here), which measures the pipeline rather than these rules: set
 * R1_RULES_WITH_FIXES=1 to time that too. Writes bench/results/r1-rules.json.
 * Run: npx tsx bench/r1-rules.ts   (R1_RULES_SIZES=1000,10000 to change sizes)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { analyze } from '../workers/engine/analyze.ts';
import { handler as gunicorn } from '../workers/engine/formats/gunicorn/index.ts';
import { handler as nginx } from '../workers/engine/formats/nginx/index.ts';
import { buildTopology } from '../workers/engine/topology/index.ts';
import type { Rule } from '../workers/engine/rules/types.ts';
import { rules as ALL_RULES } from '../workers/engine/rules/index.ts';
import { keepaliveRace } from '../workers/engine/rules/keepalive-race.ts';
import { upgradeHeader } from '../workers/engine/rules/upgrade-header.ts';
import { retryPolicy } from '../workers/engine/rules/retry-policy.ts';

const SIZES = (process.env.R1_RULES_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RULES: Rule[] = [keepaliveRace, upgradeHeader, retryPolicy];
const UPSTREAMS = 200;
const SERVERS = 20;
const LOCATIONS = 400;

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (s: number) =>
  `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
const addr = (u: number, k: number) => `10.${k}.${Math.floor(u / 250)}.${u % 250}:8000`;

function config(): string {
  const out = ['events {}', 'http {'];
  for (let u = 0; u < UPSTREAMS; u++)
    out.push(
      `    upstream app${u} {`,
      `        server ${addr(u, 1)};`,
      `        server ${addr(u, 2)};`,
      '        keepalive 16;',
      '    }',
    );
  for (let s = 0; s < SERVERS; s++) {
    out.push('    server {', '        listen 80;', `        server_name s${s}.example.com;`);
    for (let l = s; l < LOCATIONS; l += SERVERS) {
      const u = l % UPSTREAMS;
      out.push(
        `        location /l${l}/ {`,
        `            proxy_pass http://app${u};`,
        '            proxy_http_version 1.1;',
        l % 5 === 0
          ? '            proxy_set_header Connection "upgrade";'
          : '            proxy_set_header Connection "";',
        ...(l % 7 === 0 ? ['            proxy_next_upstream error timeout non_idempotent;'] : []),
        '        }',
      );
    }
    out.push('    }');
  }
  out.push('}', '');
  return out.join('\n');
}

function logs(lines: number): { error: string; access: string } {
  const error: string[] = [];
  const access: string[] = [];
  for (let i = 0; i < lines; i++) {
    const s = 3600 + i;
    const l = i % LOCATIONS;
    const u = l % UPSTREAMS;
    const host = `s${l % SERVERS}.example.com`;
    const path = `/l${l}/item/${i % 97}`;
    const tail = `client: 10.9.${i % 256}.7, server: ${host}, request: "POST ${path} HTTP/1.1"`;
    if (i % 4 === 0) {
      // A retry chain: the same *N and request on both servers.
      error.push(
        `2024/01/02 ${clock(s)} [error] 7#7: *${i} upstream timed out (110: Connection timed out) while reading response header from upstream, ${tail}, upstream: "http://${addr(u, 1)}${path}", host: "${host}"`,
        `2024/01/02 ${clock(s)} [error] 7#7: *${i} upstream timed out (110: Connection timed out) while reading response header from upstream, ${tail}, upstream: "http://${addr(u, 2)}${path}", host: "${host}"`,
      );
    } else {
      error.push(
        `2024/01/02 ${clock(s)} [error] 7#7: *${i} recv() failed (104: Connection reset by peer) while reading response header from upstream, ${tail}, upstream: "http://${addr(u, 1)}${path}", host: "${host}"`,
      );
    }
    access.push(
      `10.9.${i % 256}.7 - - [02/Jan/2024:${clock(s)} +0000] "POST ${path} HTTP/1.1" ${i % 3 === 0 ? 502 : 200} 157 "-" "bench/1.0"`,
    );
  }
  return { error: error.join('\n') + '\n', access: access.join('\n') + '\n' };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const conf = config();
const gconf = 'bind = "0.0.0.0:8000"\nworkers = 4\nworker_class = "gthread"\nthreads = 8\n';
const results = [];
for (const lines of SIZES) {
  const { error, access } = logs(lines);
  const files = [
    { name: 'nginx.conf', text: conf },
    { name: 'gunicorn.conf.py', text: gconf },
    { name: 'error.log', text: error },
    { name: 'access.log', text: access },
  ];
  const t0 = performance.now();
  const report = analyze(files, {
    nginxVersion: '1.22.1',
    disabledFixes: ALL_RULES.map((r) => r.meta.id),
  });
  const analyzeMs = performance.now() - t0;
  let withFixesMs: number | null = null;
  if (process.env.R1_RULES_WITH_FIXES) {
    const t1 = performance.now();
    analyze(files, { nginxVersion: '1.22.1' });
    withFixesMs = Number((performance.now() - t1).toFixed(1));
  }
  const topology = buildTopology(
    [nginx.parse('nginx.conf', conf), gunicorn.parse('gunicorn.conf.py', gconf)],
    '1.22.1',
  );
  const context = { topology, events: report.events, incidents: report.incidents ?? [] };
  const rules: Record<string, { medianMs: number; hits: number; explained: number }> = {};
  for (const rule of RULES) {
    const times: number[] = [];
    let hits = rule.check(context);
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      hits = rule.check(context);
      times.push(performance.now() - t);
    }
    rules[rule.meta.id] = {
      medianMs: Number(median(times).toFixed(2)),
      hits: hits.length,
      explained: hits.reduce((n, h) => n + (h.explains?.length ?? 0), 0),
    };
  }
  const row = {
    logLines: lines,
    events: report.events.length,
    routes: topology.routes.length,
    analyzeNoFixesMs: Number(analyzeMs.toFixed(1)),
    analyzeWithFixesMs: withFixesMs,
    rules,
  };
  results.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/r1-rules.json', import.meta.url),
  JSON.stringify(
    {
      bench: 'r1-rules',
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, loadavg: loadavg() },
      node: process.version,
      results,
    },
    null,
    2,
  ) + '\n',
);
