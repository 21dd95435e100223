/**
 * Parse + settings throughput of the non-nginx formats (gunicorn, uWSGI, Kubernetes, Node,
 * php-fpm, Puma, dotenv) and of detection, beside JSON.parse on the same number of bytes in
 * the same run; plus adversarial inputs that must stay linear (deep brackets, long lines,
 * unterminated quotes) and a 50 MB paste through detectKind.
 *
 *   npx tsx bench/formats.ts [--mb 4]
 *
 * Writes bench/results/formats.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectKind } from '../workers/engine/formats/detect.ts';
import { handler as dotenv } from '../workers/engine/formats/dotenv/index.ts';
import { gunicornSettings, handler as gunicorn } from '../workers/engine/formats/gunicorn/index.ts';
import {
  handler as kubernetes,
  kubernetesWorkloads,
  type KubernetesTree,
} from '../workers/engine/formats/kubernetes/index.ts';
import { handler as node } from '../workers/engine/formats/node/index.ts';
import { handler as phpFpm } from '../workers/engine/formats/php-fpm/index.ts';
import { handler as puma } from '../workers/engine/formats/puma/index.ts';
import type { FormatHandler, ParsedFile } from '../workers/engine/formats/types.ts';
import { handler as uwsgi, uwsgiSettings } from '../workers/engine/formats/uwsgi/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const arg = process.argv.indexOf('--mb');
const targetMb = arg > 0 ? Number(process.argv[arg + 1]) : 4;

function repeatTo(unit: (i: number) => string, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    size += u.length;
  }
  return parts.join('');
}

const GENERATORS: Record<
  string,
  {
    handler: FormatHandler;
    name: string;
    unit: (i: number) => string;
    extra?: (p: ParsedFile) => unknown;
  }
> = {
  gunicorn: {
    handler: gunicorn,
    name: 'gunicorn.conf.py',
    unit: (i) =>
      `# setting ${i}\nworkers_${i} = int(os.getenv("W${i}", ${i % 9} * 2 + 1))\nbind = f"0.0.0.0:{8000 + ${i % 100}}"\ntimeout = ${30 + (i % 90)}\nif os.environ.get("X${i}"):\n    keepalive = 5\n`,
    extra: (p) => gunicornSettings(p),
  },
  uwsgi: {
    handler: uwsgi,
    name: 'uwsgi.ini',
    unit: (i) =>
      `[uwsgi]\nsocket = /run/app-${i}.sock\nbase_${i} = /srv/%n\nchdir = %(base_${i})\nharakiri = ${i % 120}   ; kill slow\nenv = A${i}=b\nbuffer-size = 32768\n`,
    extra: (p) => uwsgiSettings(p),
  },
  kubernetes: {
    handler: kubernetes,
    name: 'deploy.yaml',
    unit: (i) =>
      `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}  # app ${i}\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: ${30 + (i % 30)}\n      containers:\n        - name: app\n          image: "example/app:${i}"\n          args: ["gunicorn", "-t", "${i % 100}", "app:app"]\n          env:\n            - name: GUNICORN_CMD_ARGS\n              value: "--keep-alive 5"\n          resources:\n            limits: {memory: 512Mi}\n`,
    extra: (p) => kubernetesWorkloads(p as ParsedFile<KubernetesTree>),
  },
  node: {
    handler: node,
    name: 'server.js',
    unit: (i) =>
      `// handler ${i}\nconst server${i} = http.createServer((req, res) => { res.end("ok \${i}"); });\nserver${i}.keepAliveTimeout = ${i % 90} * 1000;\nconst re${i} = /a\\/b[}]/g;\n`,
  },
  'php-fpm': {
    handler: phpFpm,
    name: 'www.conf',
    unit: (i) =>
      `[pool${i}]\nlisten = /run/php-${i}.sock ; socket\npm = dynamic\npm.max_children = ${i % 50}\nrequest_terminate_timeout = ${i % 300}s\n`,
  },
  puma: {
    handler: puma,
    name: 'puma.rb',
    unit: (i) =>
      `# ${i}\nworkers ENV.fetch("WEB_CONCURRENCY_${i}") { ${i % 8} }\npersistent_timeout ${i % 90}\nthreads 1, 5\n`,
  },
  dotenv: {
    handler: dotenv,
    name: '.env',
    unit: (i) => `export VAR_${i}="value ${i}" # note\nPLAIN_${i}=x\n`,
  },
};

function time<T>(f: () => T): { ms: number; result: T } {
  const t0 = performance.now();
  const result = f();
  return { ms: performance.now() - t0, result };
}

/** Median of `runs` timings. */
function median(runs: number, f: () => unknown): number {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) ts.push(time(f).ms);
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

const results: Record<string, unknown> = {};
const formats: Record<string, unknown> = {};
for (const [fmt, g] of Object.entries(GENERATORS)) {
  const rows: unknown[] = [];
  for (const mb of [targetMb / 4, targetMb / 2, targetMb]) {
    const text = repeatTo(g.unit, mb * MB);
    const json = JSON.stringify(text.split('\n'));
    const parseMs = median(3, () => {
      const p = g.handler.parse(g.name, text);
      p.settings();
      g.extra?.(p);
      if (p.print() !== text) throw new Error(`${fmt}: round trip failed`);
    });
    const jsonMs = median(3, () => JSON.parse(json));
    rows.push({
      mb: Number((text.length / MB).toFixed(2)),
      parseMs: Math.round(parseMs),
      mbPerSec: Number((text.length / MB / (parseMs / 1000)).toFixed(2)),
      jsonParseMs: Math.round(jsonMs),
      ratioToJson: Number((parseMs / jsonMs).toFixed(1)),
    });
  }
  formats[fmt] = rows;
  process.stdout.write(`${fmt}: ${JSON.stringify(rows[rows.length - 1])}\n`);
}
results.formats = formats;

const adversarial: Record<string, number> = {};
const adv: [string, FormatHandler, string, string][] = [
  ['gunicorn 1 MB of "("', gunicorn, 'g.py', 'x = ' + '('.repeat(MB)],
  ['gunicorn 1 MB unterminated triple quote', gunicorn, 'g.py', 'x = """' + 'a\n'.repeat(MB / 2)],
  [
    'gunicorn 200k nested ifs',
    gunicorn,
    'g.py',
    Array.from({ length: 20000 }, (_, i) => ' '.repeat(i % 200) + 'if x:\n').join(''),
  ],
  ['uwsgi 1 MB single line', uwsgi, 'u.ini', '[uwsgi]\nsocket = ' + '%(socket)'.repeat(MB / 9)],
  ['kubernetes 1 MB of "["', kubernetes, 'k.yaml', 'a: ' + '['.repeat(MB / 8)],
  ['kubernetes 1 MB of "- "', kubernetes, 'k.yaml', '- '.repeat(MB / 2)],
  ['node 1 MB of "`${"', node, 's.js', '`${'.repeat(MB / 3)],
  ['node 1 MB of "/*"', node, 's.js', '/*'.repeat(MB / 2)],
  ['procfile 1 MB of quotes', gunicorn, 'Procfile', 'web: gunicorn ' + '"\''.repeat(MB / 2)],
];
for (const [label, h, name, text] of adv) {
  const { ms } = time(() => {
    const p = h.parse(name, text);
    p.settings();
    p.print();
  });
  adversarial[label] = Math.round(ms);
  process.stdout.write(`${label}: ${Math.round(ms)} ms\n`);
}
results.adversarial = adversarial;

// The real corpus (../shared/corpus), read in place: total parse + settings time per folder.
const corpusDir = join(here, '../../shared/corpus');
const corpus: Record<string, { files: number; kb: number; ms: number }> = {};
for (const [folder, h] of [
  ['gunicorn', gunicorn],
  ['uwsgi', uwsgi],
  ['k8s', kubernetes],
] as const) {
  const dir = join(corpusDir, folder);
  if (!existsSync(dir)) continue;
  const files = readdirSync(dir).map((f) => ({ f, text: readFileSync(join(dir, f), 'utf8') }));
  const ms = median(5, () => {
    for (const { f, text } of files) h.parse(f, text).settings();
  });
  corpus[folder] = {
    files: files.length,
    kb: Math.round(files.reduce((a, x) => a + x.text.length, 0) / 1024),
    ms: Number(ms.toFixed(1)),
  };
  process.stdout.write(`corpus ${folder}: ${JSON.stringify(corpus[folder])}\n`);
}
results.corpus = corpus;

const big = repeatTo(GENERATORS.uwsgi!.unit, 50 * MB);
const det = time(() => detectKind('paste', big));
results.detect50MB = { ms: Math.round(det.ms), kind: det.result.kind };
process.stdout.write(`detectKind on 50 MB: ${Math.round(det.ms)} ms → ${det.result.kind}\n`);

results.machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'formats.json'), JSON.stringify(results, null, 2) + '\n');
process.stdout.write('wrote bench/results/formats.json\n');
