/**
 * The app-timeout, proxy-timeout, worker-recycle and oom-kill rules on large pastes: an nginx
 * error log of N lines (premature closes, upstream timeouts, resets on 40 locations) with a
 * gunicorn log (WORKER TIMEOUT, SIGKILL, autorestarts) and kernel OOM lines beside it, so every
 * rule has thousands of events to link by route and by time. Each rule's `check` is timed on
 * its own (median of 5) next to the whole `analyze` of the same inputs (which runs every rule
 * and verifies fixes). Writes bench/results/timeout-rules.json.
 * Run: npx tsx bench/timeout-rules.ts   (TIMEOUT_RULES_SIZES=1000,10000 to change sizes)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { analyze } from '../workers/engine/analyze.ts';
import { handler as gunicorn } from '../workers/engine/formats/gunicorn/index.ts';
import { handler as nginx } from '../workers/engine/formats/nginx/index.ts';
import { buildTopology } from '../workers/engine/topology/index.ts';
import type { Rule } from '../workers/engine/rules/types.ts';
import { appTimeout } from '../workers/engine/rules/app-timeout.ts';
import { proxyTimeout } from '../workers/engine/rules/proxy-timeout.ts';
import { workerRecycle } from '../workers/engine/rules/worker-recycle.ts';
import { oomKill } from '../workers/engine/rules/oom-kill.ts';

const SIZES = (process.env.TIMEOUT_RULES_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RULES: Rule[] = [appTimeout, proxyTimeout, workerRecycle, oomKill];
const LOCATIONS = 40;

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (s: number) =>
  `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;

function inputs(lines: number): { name: string; text: string }[] {
  const locations = Array.from(
    { length: LOCATIONS },
    (_, i) =>
      `    location /s${i}/ {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_read_timeout ${30 + i}s;\n    }\n`,
  ).join('');
  const conf = `upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n    keepalive_timeout 30s;\n}\nserver {\n    listen 80;\n    server_name api.example.com;\n${locations}}\n`;
  // gthread workers that keep connections 75 s and recycle, behind a pool: every rule has work.
  const gconf =
    'bind = "127.0.0.1:8000"\nworkers = 8\nworker_class = "gthread"\nthreads = 4\nkeepalive = 75\ntimeout = 30\nmax_requests = 1000\n';
  const error: string[] = [];
  const app: string[] = [];
  const kernel: string[] = [];
  const kinds = [
    'upstream prematurely closed connection while reading response header from upstream',
    'upstream timed out (110: Connection timed out) while reading response header from upstream',
    'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  ];
  for (let i = 0; i < lines; i++) {
    const s = 3600 + i * 2;
    const path = `/s${i % LOCATIONS}/item/${i % 500}`;
    error.push(
      `2024/01/02 ${clock(s)} [error] 7#7: *${i} ${kinds[i % 3]}, client: 10.0.${i % 256}.9, server: api.example.com, request: "GET ${path} HTTP/1.1", upstream: "http://127.0.0.1:8000${path}", host: "api.example.com"`,
    );
    if (i % 3 === 0)
      app.push(`[2024-01-02 ${clock(s)} +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:${i})`);
    if (i % 7 === 0)
      app.push(
        `[2024-01-02 ${clock(s)} +0000] [1] [WARNING] Worker (pid:${i + 1}) was sent SIGKILL! Perhaps out of memory?`,
      );
    if (i % 11 === 0)
      app.push(
        `[2024-01-02 ${clock(s)} +0000] [${i}] [INFO] Autorestarting worker after current request.`,
      );
    if (i % 13 === 0)
      kernel.push(
        `[Tue Jan  2 ${clock(s)} 2024] Memory cgroup out of memory: Killed process ${i + 1} (gunicorn) total-vm:402112kB, anon-rss:187204kB, file-rss:10240kB, shmem-rss:0kB, UID:1000 pgtables:612kB oom_score_adj:999`,
      );
  }
  return [
    { name: 'site.conf', text: conf },
    { name: 'gunicorn.conf.py', text: gconf },
    { name: 'error.log', text: error.join('\n') + '\n' },
    { name: 'gunicorn.log', text: app.join('\n') + '\n' },
    { name: 'dmesg.txt', text: kernel.join('\n') + '\n' },
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const results = [];
for (const lines of SIZES) {
  const files = inputs(lines);
  const t0 = performance.now();
  const report = analyze(files, { nginxVersion: '1.22.1' });
  const analyzeMs = performance.now() - t0;
  const topology = buildTopology(
    [nginx.parse('site.conf', files[0]!.text), gunicorn.parse('gunicorn.conf.py', files[1]!.text)],
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
    errorLines: lines,
    events: report.events.length,
    analyzeMs: Number(analyzeMs.toFixed(1)),
    rules,
  };
  results.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/timeout-rules.json', import.meta.url),
  JSON.stringify(
    {
      bench: 'timeout-rules',
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, loadavg: loadavg() },
      node: process.version,
      results,
    },
    null,
    2,
  ) + '\n',
);
