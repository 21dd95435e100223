/** A small, strict argument parser: unknown flags are usage errors, not silently ignored. */
export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value (`--nginx-version 1.22`, `--nginx-version=1.22`). */
  values: string[];
  /** Flags that are switches. */
  switches: string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  switches: Set<string>;
  positional: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = splitFlag(arg);
    if (spec.switches.includes(flag)) {
      if (inline !== undefined) throw new UsageError(`--${flag} takes no value`);
      switches.add(flag);
    } else if (spec.values.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${flag} needs a value`);
      values.set(flag, value);
    } else {
      throw new UsageError(`unknown option --${flag}`);
    }
  }
  return { values, switches, positional };
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq === -1 ? [arg.slice(2), undefined] : [arg.slice(2, eq), arg.slice(eq + 1)];
}
