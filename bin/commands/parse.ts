import type { FileKind } from '../../workers/engine/model.ts';
import { parseOne } from '../../workers/engine/pipeline/parse.ts';
import { parseArgs, UsageError } from '../args.ts';
import { readInputs } from '../read-inputs.ts';

/** `parse FILE`: what the engine makes of one file: kind, errors, round trip and settings. */
export async function runParse(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['kind'], switches: ['json'] });
  if (args.positional.length !== 1) throw new UsageError('parse takes exactly one FILE');
  const { sources, unreadable } = await readInputs(args.positional, false);
  const [input] = sources;
  if (!input)
    throw new UsageError(`cannot read ${args.positional[0]}: ${unreadable[0]?.reason ?? 'empty'}`);
  const kind = args.values.get('kind');
  const result = parseOne({ ...input!, ...(kind ? { kind: kind as FileKind } : {}) });
  if (args.switches.has('json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `${result.name}: ${result.kind} (confidence ${result.confidence.toFixed(2)}), round trip ${result.roundtrip ? 'ok' : 'FAILED'}`,
    ...result.errors.map((e) => `  line ${e.line}: ${e.message}`),
    ...result.settings.map(
      (s) =>
        `  ${s.line}\t${s.scope ? s.scope + ' > ' : ''}${s.key} = ${s.value ?? `(dynamic: ${s.dynamic ?? 'unknown'})`}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
