/**
 * Intake benchmark: how fast a paste is split into its inputs (intake/segmentText), per MB, on
 * three generated texts of the same size — one big nginx config, one big error log, and a mixed
 * paste (a Markdown thread: prose, a fenced nginx config, a `$ cat` transcript of a gunicorn
 * config, then a log) — at 1, 2, 4 and 8 MB, so growth is visible. Also the accuracy of the
 * split on every incident fixture pasted in three styles (share of files recovered exactly).
 * Writes bench/results/intake.json.   Run: npx tsx bench/intake.ts
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { segmentText } from '../workers/engine/intake/index.ts';
import { formatsFor } from '../workers/engine/logs/nginx-access.ts';
import { incidentInputs, paste, STYLES } from '../tests/intake/pastes.ts';

const MB = 1024 * 1024;
const formats = formatsFor(undefined);

function config(bytes: number): string {
  const parts = ['worker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const block = `    upstream app_${i} {\n        server 10.0.${i % 250}.${i % 200}:8000;\n        keepalive 16;\n    }\n\n    server {\n        listen 80;\n        server_name app-${i}.example.com;\n\n        location / {\n            proxy_pass http://app_${i};\n            proxy_read_timeout 90s;\n        }\n    }\n`;
    parts.push(block);
    size += block.length;
  }
  parts.push('}\n');
  return parts.join('');
}

function log(bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `2024/01/02 03:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} [error] 7#7: *${i} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.${i % 250}, server: api.example.com, request: "POST /api/${i % 1000} HTTP/1.1", upstream: "http://10.0.0.1:8000/api/${i % 1000}", host: "api.example.com"`;
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n') + '\n';
}

function mixed(bytes: number): string {
  return [
    'Since the deploy our users get 502s on checkout. Here is everything I have.',
    '',
    '**nginx.conf**',
    '```nginx',
    config(bytes / 4).trimEnd(),
    '```',
    '',
    '$ cat /etc/gunicorn.conf.py',
    'bind = "127.0.0.1:8000"\nworkers = 4\nworker_class = "gthread"\ntimeout = 30',
    '$ tail -n 100000 /var/log/nginx/error.log',
    log((bytes * 3) / 4),
  ].join('\n');
}

function time(fn: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1e6);
  }
  return best;
}

const speed: Record<string, { mb: number; seconds: number; mbPerSecond: number }[]> = {};
for (const [name, make] of [
  ['nginx config', config],
  ['error log', log],
  ['mixed paste', mixed],
] as const) {
  speed[name] = [];
  for (const mb of [1, 2, 4, 8]) {
    const text = make(mb * MB);
    const seconds = time(() => segmentText('pasted', text, formats));
    const size = text.length / MB;
    speed[name]!.push({
      mb: +size.toFixed(2),
      seconds: +seconds.toFixed(3),
      mbPerSecond: +(size / seconds).toFixed(1),
    });
    process.stdout.write(
      `${name} ${size.toFixed(1)} MB: ${seconds.toFixed(3)} s CPU, ${(size / seconds).toFixed(1)} MB/s\n`,
    );
  }
}

// Accuracy: the share of a fixture's files that come back as one segment with their text.
const root = join(import.meta.dirname, '../tests/incidents');
const accuracy: Record<string, { files: number; exact: number }> = {};
for (const style of STYLES) {
  let files = 0;
  let exact = 0;
  for (const incident of readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())) {
    const inputs = incidentInputs(join(root, incident));
    const segments = segmentText('pasted', paste(inputs, style, [0, 2]), formats);
    for (const f of inputs) {
      files++;
      const want = f.text.replace(/\n*$/, '\n');
      if (segments.some((s) => s.text.replace(/\n*$/, '\n') === want)) exact++;
    }
  }
  accuracy[style] = { files, exact };
  process.stdout.write(`${style}: ${exact}/${files} files recovered exactly\n`);
}

const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, load: loadavg(), node: process.version },
  speed,
  accuracy,
};
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results/intake.json'),
  JSON.stringify(result, null, 2) + '\n',
);
