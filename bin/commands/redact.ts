import { redactInputs } from '../../workers/engine/pipeline/redact.ts';
import { parseArgs, UsageError } from '../args.ts';
import { readInputs } from '../read-inputs.ts';

/** `redact FILE`: the file with every secret masked on stdout; `--json` adds the report. */
export async function runRedact(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [], switches: ['json'] });
  if (args.positional.length !== 1) throw new UsageError('redact takes exactly one FILE (or -)');
  const { files, redactions } = redactInputs((await readInputs(args.positional, false)).sources);
  const text = files.map((f) => f.text).join('');
  process.stdout.write(
    args.switches.has('json') ? JSON.stringify({ text, redactions }, null, 2) + '\n' : text,
  );
  return 0;
}
