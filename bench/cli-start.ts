/**
 * How fast the CLI starts, as whole processes: the bundle (`dist-cli/upstream-doctor.mjs`,
 * what `bin` and `npm run cli` run) against the TypeScript sources through tsx (what ran
 * before the bundle). `--version` is pure start-up; `analyze` of a small incident adds the
 * engine's work. Median of RUNS, written to bench/results/cli-start.json. Target: the bundle
 * under 300 ms for both.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const RUNS = Number(process.env.RUNS ?? 9);
const INCIDENT = 'tests/incidents/app-timeout-docker/input';

const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('building the CLI failed');

function wallMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(args: string[]): number {
  const times = Array.from({ length: RUNS }, () => wallMs(args)).sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

const bundle = 'dist-cli/upstream-doctor.mjs';
const tsx = ['--import', 'tsx', 'bin/cli.ts'];
const result = {
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`,
  runs: RUNS,
  bundle: {
    versionMs: median([bundle, '--version']),
    analyzeMs: median([bundle, 'analyze', INCIDENT]),
  },
  tsxSources: {
    versionMs: median([...tsx, '--version']),
    analyzeMs: median([...tsx, 'analyze', INCIDENT]),
  },
  targetMs: 300,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/cli-start.json', import.meta.url),
  JSON.stringify(result, null, 2),
);
console.log(JSON.stringify(result, null, 2));
