/**
 * A platform team's `nginx -T` of its fleet, analysed by the built CLI as a whole process
 * (issue "A fleet's nginx -T at the speed of its parse"). Each site: an upstream with one server
 * and `keepalive 16`; a server with `listen`, `server_name`, a `location /` that proxies to it
 * with `proxy_set_header Host` and a `proxy_read_timeout`, and a regex location with `expires`
 * — so every site is one keepalive-inert finding with a fix. The yardstick is `JSON.parse` of
 * the same text as a JSON array of its lines, also a whole process.
 *   npx tsx bench/fleet.ts [MB...]   (default: 5 20)   → bench/results/fleet.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

function fleet(mb: number): string {
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
        proxy_set_header Host $host;
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

function run(args: string[]): {
  ms: number;
  maxRssKiB: number;
  status: number | null;
  out: number;
} {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', './bench/lib/max-rss.mjs', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rss = /\{"maxRssKiB":(\d+)\}\s*$/.exec(child.stderr);
  if (child.status !== 0 && child.status !== 1) throw new Error(child.stderr.slice(0, 2000));
  return {
    ms: Math.round(ms),
    maxRssKiB: Number(rss?.[1] ?? 0),
    status: child.status,
    out: child.stdout.length,
  };
}

const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('building the CLI failed');

const dir = mkdtempSync(join(tmpdir(), 'ud-fleet-'));
const results = [];
try {
  const sizes = process.argv.slice(2).map(Number);
  for (const mb of sizes.length > 0 ? sizes : [5, 20]) {
    const text = fleet(mb);
    const conf = join(dir, `fleet-${mb}.conf`);
    const json = join(dir, `fleet-${mb}.json`);
    writeFileSync(conf, text);
    writeFileSync(json, JSON.stringify(text.split('\n')));
    const parse = run([
      '-e',
      `JSON.parse(require('fs').readFileSync(${JSON.stringify(json)}, 'utf8'))`,
    ]);
    const analyze = run([
      'dist-cli/upstream-doctor.mjs',
      'analyze',
      '--json',
      '--nginx-version',
      '1.24.0',
      conf,
    ]);
    const bytes = statSync(conf).size;
    const result = {
      megabytes: Math.round((bytes / 1048576) * 10) / 10,
      sites: text.split('upstream site').length - 1,
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
const growth =
  results.length >= 2
    ? Math.round((results.at(-1)!.analyze.ms / results[0]!.analyze.ms) * 100) / 100
    : null;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/fleet.json', import.meta.url),
  JSON.stringify(
    {
      machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`,
      results,
      growthFirstToLast: growth,
      targets: { ratioToJsonParse: 30, growth5to20: 4.8, peakMemoryToInput: 10 },
    },
    null,
    2,
  ),
);
