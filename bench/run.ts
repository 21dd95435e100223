/**
 * Runs every benchmark in bench/ one after another (never in parallel: they measure time) and
 * prints where each wrote its machine-readable results (bench/results/<name>.json).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n== ${bench}\n`);
  const result = spawnSync('npx', ['tsx', join(here, bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.stdout.write(
  `\n${benches.length - failed} benchmarks ran, ${failed} failed; results in bench/results/\n`,
);
process.exitCode = failed > 0 ? 1 : 0;
