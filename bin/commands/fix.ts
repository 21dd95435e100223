import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { analyze } from '../../workers/engine/analyze.ts';
import { parseArgs, UsageError } from '../args.ts';
import { readInputs, streamLarge } from '../read-inputs.ts';
import { analyzeOptions } from './analyze.ts';

/** `fix --patch` prints a unified diff; `fix --out DIR` writes the fixed files under DIR. */
export async function runFix(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['nginx-version', 'out'],
    switches: ['patch', 'redact', 'unsafe'],
  });
  const out = args.values.get('out');
  if (args.switches.has('patch') === (out !== undefined)) {
    throw new UsageError('fix needs exactly one of --patch or --out DIR');
  }
  const inputs = await readInputs(args.positional);
  const report = analyze(
    inputs.sources,
    analyzeOptions(args.values, args.switches),
    await streamLarge(inputs),
    inputs.unreadable,
  );
  if (out === undefined) {
    process.stdout.write(report.patch);
    return 0;
  }
  for (const file of report.fixed) {
    const relative = normalize(file.name)
      .replace(/^(\.\.(\/|$))+/, '')
      .replace(/^\/+/, '');
    const target = join(out, relative);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
    process.stderr.write(`wrote ${target}\n`);
  }
  if (report.fixed.length === 0) process.stderr.write('nothing to fix\n');
  return 0;
}
