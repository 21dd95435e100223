/**
 * nginx parse + print throughput (issue 3, item 7), beside JSON.parse on a JSON document of the
 * same size measured in the same run. Also: linearity across sizes, the real corpus, and
 * adversarial inputs (1 MB of `{`, of quotes, of nested blocks).
 *
 *   npx tsx bench/nginx-parse.ts [--mb 12]
 *
 * Writes bench/results/nginx-parse.json. Target: nginx no slower than 3× JSON.parse per byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNginx } from '../workers/engine/formats/nginx/index.ts';

const here = dirname(fileURLToPath(import.meta.url));

// V8's GC runs on helper threads by default, so a process's CPU time depends on what else the
// 2 shared cores are doing. --single-threaded keeps GC (and compilation) on the measured thread:
// re-run this script under it once, and let that run write the results. --expose-gc lets each
// timed run start from a collected heap.
if (!process.execArgv.includes('--single-threaded')) {
  const run = spawnSync(
    process.execPath,
    ['--single-threaded', '--expose-gc', ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(run.status ?? 1);
}
const MB = 1024 * 1024;
const sizeArg = process.argv.indexOf('--mb');
const targetMb = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 12;

/** A realistic generated config: thousands of server blocks with upstreams and locations. */
function generateConfig(bytes: number): string {
  const parts: string[] = ['worker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const block = `    upstream app_${i} {
        server 10.0.${i % 250}.${i % 200}:8000 max_fails=3 fail_timeout=30s;
        server unix:/run/app-${i}.sock backup;
        keepalive 16;
    }
    server {
        listen 443 ssl http2;
        server_name app-${i}.example.com www.app-${i}.example.com;
        ssl_certificate "/etc/ssl/app-${i}.pem"; # issued by the internal CA
        client_max_body_size 20m;
        location / {
            proxy_pass http://app_${i};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_read_timeout 90s;
        }
        location ~* \\.(png|jpe?g|css|js)$ {
            expires 30d;
            add_header Cache-Control 'public, max-age=2592000';
        }
        location = /healthz { return 200 "ok\\n"; }
    }
`;
    parts.push(block);
    size += block.length;
  }
  parts.push('}\n');
  return parts.join('');
}

/**
 * A JSON document of about the same size and shape (objects with string fields, nested),
 * pretty-printed with `indent` spaces (0: compact, so the same bytes hold more data).
 */
function generateJson(bytes: number, indent = 2): string {
  const servers: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = {
      upstream: {
        name: `app_${i}`,
        servers: [`10.0.${i % 250}.${i % 200}:8000`, `unix:/run/app-${i}.sock`],
        keepalive: 16,
      },
      listen: ['443', 'ssl', 'http2'],
      server_name: [`app-${i}.example.com`, `www.app-${i}.example.com`],
      ssl_certificate: `/etc/ssl/app-${i}.pem`,
      client_max_body_size: '20m',
      locations: [
        {
          path: '/',
          proxy_pass: `http://app_${i}`,
          proxy_http_version: '1.1',
          headers: [
            ['Connection', ''],
            ['Host', '$host'],
          ],
          proxy_read_timeout: '90s',
        },
        {
          path: '\\.(png|jpe?g|css|js)$',
          modifier: '~*',
          expires: '30d',
          add_header: ['Cache-Control', 'public, max-age=2592000'],
        },
        { path: '/healthz', modifier: '=', return: [200, 'ok\n'] },
      ],
    };
    const text = JSON.stringify(s, null, indent);
    size += text.length + 2;
    servers.push(s);
  }
  // Nested inside the array each server is indented deeper than when measured alone: trim to size.
  const full = JSON.stringify({ servers }, null, indent);
  const keep = Math.max(1, Math.floor((servers.length * bytes) / full.length));
  return JSON.stringify({ servers: servers.slice(0, keep) }, null, indent);
}

/**
 * Seconds for fn: the minimum CPU time (user + system of this process) over `runs` runs after
 * one warm-up. The machine is shared (2 cores, other jobs): CPU time of our own process and the
 * best of several runs are far steadier than wall-clock medians. Wall medians are kept too.
 */
function time(fn: () => void, runs: number): number {
  return measure(fn, runs).cpuMin;
}

function measure(
  fn: () => void,
  runs: number,
  collect = false,
): { cpuMin: number; wallMedian: number } {
  fn();
  const walls: number[] = [];
  let cpuMin = Infinity;
  for (let i = 0; i < runs; i++) {
    // In the nginx/JSON comparison every timed run starts from a collected heap, so neither
    // side pays for the other's garbage.
    if (collect) (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpuMin = Math.min(cpuMin, (c.user + c.system) / 1e6);
  }
  walls.sort((x, y) => x - y);
  return { cpuMin, wallMedian: walls[Math.floor(walls.length / 2)] as number };
}

function parseAndPrint(name: string, text: string): void {
  const f = parseNginx(name, text);
  if (f.print().length !== text.length) throw new Error('round trip failed');
}

const results: Record<string, unknown> = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    flags: '--single-threaded --expose-gc (gc() before each timed run)',
  },
};

// 1. Large generated config vs JSON.parse of the same size.
const config = generateConfig(targetMb * MB);
const json = generateJson(config.length);
// The target is judged against the indented document above (as wide as the config's own
// indentation, and the faster one for JSON.parse); a compact one is reported beside it.
const compactJson = generateJson(config.length, 0);
// Interleaved (nginx, JSON, nginx, JSON, …) so both see the same moments of the shared
// machine's load; the minimum of each is compared.
const configRun = { cpuMin: Infinity, wallMedian: 0 };
const jsonRun = { cpuMin: Infinity, wallMedian: 0 };
let compactJsonSeconds = Infinity;
const walls: { nginx: number[]; json: number[] } = { nginx: [], json: [] };
for (let i = 0; i < 15; i++) {
  const a = measure(() => parseAndPrint('big.conf', config), 1, true);
  const b = measure(() => JSON.parse(json), 1, true);
  const c = measure(() => JSON.parse(compactJson), 1, true);
  configRun.cpuMin = Math.min(configRun.cpuMin, a.cpuMin);
  jsonRun.cpuMin = Math.min(jsonRun.cpuMin, b.cpuMin);
  compactJsonSeconds = Math.min(compactJsonSeconds, c.cpuMin);
  walls.nginx.push(a.wallMedian);
  walls.json.push(b.wallMedian);
}
configRun.wallMedian = walls.nginx.sort((x, y) => x - y)[7] as number;
jsonRun.wallMedian = walls.json.sort((x, y) => x - y)[7] as number;
const parseOnlySeconds = time(() => parseNginx('big.conf', config), 7);
const configSeconds = configRun.cpuMin;
const jsonSeconds = jsonRun.cpuMin;
const big = parseNginx('big.conf', config);
const nginxMBs = config.length / MB / configSeconds;
const jsonMBs = json.length / MB / jsonSeconds;
results.large = {
  bytes: config.length,
  servers: big.directives().filter((d) => d.name === 'server' && d.block).length,
  directives: big.directives().length,
  method:
    'minimum CPU seconds of 15 interleaved runs each, single-threaded V8 (wall-clock medians beside)',
  parsePrintSeconds: configSeconds,
  parsePrintWallMedianSeconds: configRun.wallMedian,
  jsonParseWallMedianSeconds: jsonRun.wallMedian,
  parseOnlySeconds,
  nginxParsePrintMBs: nginxMBs,
  nginxParseOnlyMBs: config.length / MB / parseOnlySeconds,
  jsonBytes: json.length,
  jsonParseSeconds: jsonSeconds,
  jsonParseMBs: jsonMBs,
  /** Seconds per byte, nginx parse+print over JSON.parse: the target is ≤ 3. */
  ratioToJsonParse: nginxMBs > 0 ? jsonMBs / nginxMBs : null,
  compactJsonBytes: compactJson.length,
  compactJsonParseMBs: compactJson.length / MB / compactJsonSeconds,
  /** The same ratio against the compact document (for information; not the target). */
  ratioToCompactJsonParse: compactJson.length / MB / compactJsonSeconds / nginxMBs,
};

// 2. Linearity: throughput at growing sizes should stay flat.
results.linearity = [1, 2, 4, 8, 16].map((mb) => {
  const text = generateConfig(mb * MB);
  const s = time(() => parseAndPrint('lin.conf', text), 3);
  return { bytes: text.length, seconds: s, MBs: text.length / MB / s };
});

// 3. The real corpus: many small files (parse + print each), repeated to a measurable volume.
const corpusDir = join(here, '../../shared/corpus/nginx');
let corpusFiles: { name: string; text: string }[] = [];
try {
  corpusFiles = readdirSync(corpusDir).map((name) => ({
    name,
    text: readFileSync(join(corpusDir, name), 'utf8'),
  }));
} catch {
  corpusFiles = [];
}
if (corpusFiles.length > 0) {
  const bytes = corpusFiles.reduce((n, f) => n + f.text.length, 0);
  const reps = Math.max(1, Math.ceil((8 * MB) / bytes));
  const s = time(() => {
    for (let r = 0; r < reps; r++) for (const f of corpusFiles) parseAndPrint(f.name, f.text);
  }, 3);
  const corpusJson = JSON.stringify(corpusFiles.map((f) => parseNginx(f.name, f.text).settings()));
  const js = time(() => {
    for (let r = 0; r < Math.ceil((bytes * reps) / corpusJson.length); r++) JSON.parse(corpusJson);
  }, 3);
  const corpusMBs = (bytes * reps) / MB / s;
  const corpusJsonMBs =
    (Math.ceil((bytes * reps) / corpusJson.length) * corpusJson.length) / MB / js;
  results.corpus = {
    files: corpusFiles.length,
    bytes,
    repetitions: reps,
    seconds: s,
    MBs: corpusMBs,
    jsonParseMBs: corpusJsonMBs,
    /**
     * Per byte, against the compact JSON of the files' settings. Files of a few KB pay a fixed
     * cost per parse (a table, a tree, placement checks) that a 12 MB config spreads thin.
     */
    ratioToJsonParse: corpusJsonMBs / corpusMBs,
  };
}

// 4. Adversarial inputs: must finish, in time linear in size.
results.adversarial = Object.entries({
  'open braces': '{',
  'double quotes': '"',
  'single quotes': "'",
  'nested blocks': 'a {',
  'template openers': '{{ ',
  backslashes: '\\',
}).map(([label, unit]) => {
  const one = unit.repeat(Math.floor(MB / unit.length));
  const four = unit.repeat(Math.floor((4 * MB) / unit.length));
  const s1 = time(() => parseNginx('adv', one), 3);
  const s4 = time(() => parseNginx('adv', four), 3);
  return {
    input: `${label}: 1 MB of ${JSON.stringify(unit)}`,
    seconds1MB: s1,
    seconds4MB: s4,
    growth4x: s4 / s1,
    errors: parseNginx('adv', one).errors.length,
  };
});

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'nginx-parse.json'), JSON.stringify(results, null, 2) + '\n');
const large = results.large as {
  nginxParsePrintMBs: number;
  jsonParseMBs: number;
  ratioToJsonParse: number;
  ratioToCompactJsonParse: number;
};
const corpusResult = results.corpus as { MBs: number; ratioToJsonParse: number } | undefined;
process.stdout.write(
  `nginx parse+print ${large.nginxParsePrintMBs.toFixed(1)} MB/s, JSON.parse ${large.jsonParseMBs.toFixed(1)} MB/s ` +
    `(ratio ${large.ratioToJsonParse.toFixed(2)}, target ≤ 3; ${large.ratioToCompactJsonParse.toFixed(2)} against compact JSON); ` +
    (corpusResult
      ? `corpus ${corpusResult.MBs.toFixed(1)} MB/s (ratio ${corpusResult.ratioToJsonParse.toFixed(2)}); `
      : '') +
    'details in bench/results/nginx-parse.json\n',
);
