/**
 * A platform team's `nginx -T` of its fleet, analysed by the built CLI as a whole process
 * (issue "A fleet's nginx -T at the speed of its parse"). Each site: an upstream with one server
 * and `keepalive 16`; a server with `listen`, `server_name`, a `location /` that proxies to it
 * with `proxy_set_header Host` and a `proxy_read_timeout`, and a regex location with `expires`
 * — so every site is one keepalive-inert finding with a fix. The yardstick is `JSON.parse` of
 * the same text as a JSON array of its lines, also a whole process.
 * Also the second shape, `servers`: 5,000 servers of 4–5 locations each (about 10 MB)
 * with upstreams of two servers, the config gixy took 78 s and this CLI 167 s on.
 * `includes`: a 5 MB fleet whose every location has `include proxy_params;` (include resolution
 * was once a scan of every file per include directive).
 * Each process runs RUNS times (default 2) and the fastest run counts: on a shared VM one run
 * can take half again as long as the next; every run's time is kept in the results.
 *   npx tsx bench/fleet.ts [MB...] [servers] [includes]   (default MB: 5 20) → results/fleet.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/** `includes`: each location takes its headers from `include proxy_params;`, as many fleets do. */
function fleet(mb: number, includes = false): string {
  const parts = [
    '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n',
  ];
  let size = parts[0]!.length;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const site = `# configuration file /etc/nginx/conf.d/site${i}.conf:
upstream site${i}_app {
    server 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8000;
    keepalive 16;
}
server {
    listen 80;
    server_name site${i}.example.com;
    location / {
        proxy_pass http://site${i}_app;
        ${includes ? 'include proxy_params;' : 'proxy_set_header Host $host;'}
        proxy_read_timeout 30s;
    }
    location ~* \\.(css|js|png)$ {
        expires 7d;
    }
}

`;
    parts.push(site);
    size += site.length;
  }
  return parts.join('');
}

/** 5,000 servers, 4–5 locations each, upstreams of two servers, padded as real sites are. */
function servers(count: number): string {
  const parts = [
    '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n',
  ];
  for (let i = 0; i < count; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}`;
    const locations = Array.from(
      { length: 4 + (i % 2) },
      (_, l) => `    location /api${l}/ {
        proxy_pass http://pool${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 5s;
        proxy_read_timeout ${30 + l * 15}s;
        proxy_buffers 16 16k;
        proxy_buffer_size 16k;
        client_max_body_size ${1 + l}m;
    }
`,
    ).join('\n');
    parts.push(`# configuration file /etc/nginx/conf.d/app${i}.conf:
upstream pool${i} {
    server ${ip}.10:8000 max_fails=3 fail_timeout=10s;
    server ${ip}.11:8000 max_fails=3 fail_timeout=10s;
    keepalive 8;
}
server {
    listen 443 ssl;
    server_name app${i}.example.com www.app${i}.example.com;
    ssl_certificate /etc/ssl/app${i}.pem;
    ssl_certificate_key /etc/ssl/app${i}.key;
    access_log /var/log/nginx/app${i}.access.log;
    error_log /var/log/nginx/app${i}.error.log warn;
    gzip on;
    gzip_types text/css application/json application/javascript;
    add_header X-Frame-Options SAMEORIGIN always;
${locations}}

`);
  }
  return parts.join('');
}

const RUNS = Number(process.env.RUNS ?? 2);

/** The fastest of RUNS runs, with every run's time. */
function best(args: string[]): ReturnType<typeof run> & { runsMs: number[] } {
  const runs = Array.from({ length: RUNS }, () => run(args));
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, runsMs: runs.map((r) => r.ms) };
}

function run(args: string[]): {
  ms: number;
  maxRssKiB: number;
  status: number | null;
  out: number;
  findings: number;
} {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', './bench/lib/max-rss.mjs', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = /\{"maxRssKiB":(\d+)\}\s*$/.exec(child.stderr);
  if (child.status !== 0 && child.status !== 1) throw new Error(child.stderr.slice(0, 2000));
  // The JSON report's findings, counted (JSON.parse's own run prints nothing).
  const findings = child.stdout.startsWith('{')
    ? (JSON.parse(child.stdout) as { findings: unknown[] }).findings.length
    : 0;
  return {
    ms: Math.round(ms),
    maxRssKiB: Number(rss?.[1] ?? 0),
    status: child.status,
    out: child.stdout.length,
    findings,
  };
}

const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('building the CLI failed');

const dir = mkdtempSync(join(tmpdir(), 'ud-fleet-'));
const results = [];
try {
  const sizes = process.argv
    .slice(2)
    .filter((a) => a !== 'servers' && a !== 'includes')
    .map(Number);
  const shapes: [string, () => string][] = (sizes.length > 0 ? sizes : [5, 20]).map((mb) => [
    `fleet-${mb}`,
    () => fleet(mb),
  ]);
  if (process.argv.includes('servers')) shapes.push(['servers-5000', () => servers(5000)]);
  if (process.argv.includes('includes')) shapes.push(['fleet-includes-5', () => fleet(5, true)]);
  for (const [name, make] of shapes) {
    const text = make();
    const conf = join(dir, `${name}.conf`);
    const json = join(dir, `${name}.json`);
    writeFileSync(conf, text);
    writeFileSync(json, JSON.stringify(text.split('\n')));
    const parse = best([
      '-e',
      `JSON.parse(require('fs').readFileSync(${JSON.stringify(json)}, 'utf8'))`,
    ]);
    const analyze = best([
      'dist-cli/upstream-doctor.mjs',
      'analyze',
      '--json',
      '--nginx-version',
      '1.24.0',
      conf,
    ]);
    const bytes = statSync(conf).size;
    const result = {
      shape: name,
      megabytes: Math.round((bytes / 1048576) * 10) / 10,
      sites: text.split('\nupstream ').length - 1,
      findings: analyze.findings,
      jsonParse: parse,
      analyze,
      ratioToJsonParse: Math.round((analyze.ms / parse.ms) * 10) / 10,
      peakMemoryToInput: Math.round(((analyze.maxRssKiB * 1024) / bytes) * 10) / 10,
      reportMegabytes: Math.round((analyze.out / 1048576) * 10) / 10,
    };
    console.log(JSON.stringify(result));
    results.push(result);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// Growth from the smallest to the largest fleet of the first shape (not `servers`/`includes`).
const fleets = results.filter((r) => /^fleet-\d/.test(r.shape));
const growth =
  fleets.length >= 2
    ? Math.round((fleets.at(-1)!.analyze.ms / fleets[0]!.analyze.ms) * 100) / 100
    : null;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/fleet.json', import.meta.url),
  JSON.stringify(
    {
      machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`,
      // Other work on the machine while it ran (1-minute load average at the end).
      loadAverage: Math.round(loadavg()[0]! * 100) / 100,
      runsPerProcess: RUNS,
      results,
      growthFirstToLast: growth,
      targets: { ratioToJsonParse: 30, growth5to20: 4.8, peakMemoryToInput: 10 },
    },
    null,
    2,
  ),
);
