/**
 * Redaction throughput: MB/s of redactText on large mixed configs (corpus configs and planted
 * secrets, repeated to REDACT_BENCH_MB, default 8), per kind, next to a plain indexOf scan of
 * the same text in the same run; plus the time for 1 MB adversarial inputs aimed at each
 * detector's slow path. Writes bench/results/redact.json.
 * Run: npx tsx bench/redact.ts
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { FileKind } from '../workers/engine/model.ts';
import { redactText } from '../workers/engine/redact/index.ts';
import { plantedInputs } from '../tests/redact/planted.ts';

const MB = Number(process.env.REDACT_BENCH_MB ?? 8);
const RUNS = 5;
const here = new URL('.', import.meta.url).pathname;
const corpus = join(here, '../../shared/corpus');

function corpusTexts(dir: string): string[] {
  const path = join(corpus, dir);
  if (!existsSync(path)) return [];
  return readdirSync(path).map((f) => readFileSync(join(path, f), 'utf8'));
}

/** Repeats the pieces (in order) until the text is `mb` megabytes. */
function grow(pieces: string[], mb: number, separator = '\n'): string {
  const target = mb * 1024 * 1024;
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const p = pieces[i % pieces.length]!;
    out.push(p);
    size += p.length + separator.length;
  }
  return out.join(separator).slice(0, target);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const planted = plantedInputs();
const byKind = (k: FileKind) => planted.filter((p) => p.kind === k).map((p) => p.text);
const logLines = existsSync(join(corpus, 'errors.tsv'))
  ? readFileSync(join(corpus, 'errors.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.slice(l.indexOf('\t') + 1))
  : [];

const workloads: { name: string; kind: FileKind; text: string }[] = [
  {
    name: 'mixed (all formats, kind unknown)',
    kind: 'unknown',
    text: grow(
      [
        ...corpusTexts('nginx'),
        ...corpusTexts('gunicorn'),
        ...corpusTexts('uwsgi'),
        ...planted.map((p) => p.text),
      ],
      MB,
    ),
  },
  {
    name: 'nginx configs',
    kind: 'nginx',
    text: grow([...corpusTexts('nginx'), ...byKind('nginx')], MB),
  },
  // Kept under the 4 MB above which the YAML layer stands down, so the YAML parse is measured.
  {
    name: 'kubernetes manifests (YAML)',
    kind: 'kubernetes',
    text: grow([...corpusTexts('k8s'), ...byKind('kubernetes')], Math.min(MB, 3), '\n---\n'),
  },
  { name: 'logs', kind: 'log', text: grow([...logLines, ...byKind('log')], MB) },
];

const results: Record<string, unknown>[] = [];
for (const w of workloads) {
  const mb = w.text.length / (1024 * 1024);
  redactText(w.text, w.kind); // warm-up
  const redactMs: number[] = [];
  const indexOfMs: number[] = [];
  let redactions = 0;
  for (let r = 0; r < RUNS; r++) {
    redactMs.push(time(() => (redactions = redactText(w.text, w.kind).redactions.length)));
    // The baseline: one full pass of indexOf for a needle that is not there, and one counting lines.
    indexOfMs.push(
      time(() => {
        let lines = 0;
        for (let i = w.text.indexOf('\n'); i >= 0; i = w.text.indexOf('\n', i + 1)) lines++;
        return w.text.indexOf('\u0000not-there') + lines;
      }),
    );
  }
  const row = {
    workload: w.name,
    kind: w.kind,
    megabytes: Number(mb.toFixed(2)),
    redactions,
    redactMsMedian: Number(median(redactMs).toFixed(1)),
    redactMBps: Number((mb / (median(redactMs) / 1000)).toFixed(2)),
    indexOfMsMedian: Number(median(indexOfMs).toFixed(2)),
    indexOfMBps: Number((mb / (median(indexOfMs) / 1000)).toFixed(1)),
  };
  results.push(row);
  process.stdout.write(
    `${w.name.padEnd(36)} ${row.megabytes} MB  redact ${row.redactMBps} MB/s (${row.redactMsMedian} ms, ${redactions} redactions)  indexOf ${row.indexOfMBps} MB/s\n`,
  );
}

// 1 MB inputs aimed at each detector's worst case: must finish, and roughly linearly.
const ADVERSARIAL = [
  'a',
  '://a@',
  'password=',
  'password: a',
  '"password": "',
  '-----BEGIN PRIVATE KEY-----',
  '-----BEGIN RSA PRIVATE KEY-----\nAAAA',
  'eyJaaaaaaaaaa.',
  'ghp_',
  'Bearer A1b2C3d4E5f6G7h8 ',
  '?token=&',
  '-e A_TOKEN="',
  '--password ',
  'set $token "',
  '${',
  'content_by_lua_block { "',
  'map $http_x_api_key $k {',
  "raw_env = ['",
  'env = X_TOKEN=',
  'aws secret ',
  'name="a_token" value="',
  'kind: Secret\ndata:\n  k: v\n',
];
const adversarial: Record<string, unknown>[] = [];
for (const seed of ADVERSARIAL) {
  const text = grow([seed], 1, '');
  for (const kind of ['unknown', 'kubernetes'] as FileKind[]) {
    const ms = time(() => redactText(text, kind));
    adversarial.push({ input: seed, kind, ms: Number(ms.toFixed(0)) });
  }
}
const worst = adversarial.reduce((a, b) => ((a.ms as number) > (b.ms as number) ? a : b));
process.stdout.write(
  `adversarial 1 MB inputs: ${adversarial.length} runs, worst ${JSON.stringify(worst)}\n`,
);

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'redact.json'),
  JSON.stringify(
    {
      bench: 'redact',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      runs: RUNS,
      workloads: results,
      adversarial,
    },
    null,
    2,
  ) + '\n',
);
process.stdout.write('wrote bench/results/redact.json\n');
