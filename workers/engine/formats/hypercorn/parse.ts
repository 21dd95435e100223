/**
 * hypercorn inputs: a file that launches it (Dockerfile, Procfile, compose, systemd unit,
 * supervisord program, shell script: its command line) or its TOML config file. Nothing is
 * restructured, so printing gives the text back byte for byte.
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import type { ParsedArgs } from '../gunicorn/cmdline.ts';
import { findLaunches } from '../gunicorn/launch.ts';
import { findProgram, programSite } from '../gunicorn/program.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { parseHypercornArgs } from './cmdline.ts';
import { parseTomlTop, type TomlTop } from './toml.ts';

/** One command line that starts hypercorn. */
export interface HypercornServer {
  /** "Dockerfile CMD", "compose command". */
  origin: string;
  args: ParsedArgs;
  /** After the `hypercorn` word: where new options go. */
  insertAt: number;
  /** A launch in exec form (`["hypercorn", …]`): words are JSON strings. */
  json?: boolean;
  /** The process it starts where a launch file starts several (Launch.unit). */
  unit?: string;
}

export type HypercornTree =
  { form: 'launch'; servers: HypercornServer[] } | { form: 'toml'; top: TomlTop };

export function isHypercornProgram(base: string): boolean {
  return base === 'hypercorn';
}

export function isTomlName(name: string): boolean {
  return /\.toml$/i.test(name);
}

export function parseHypercorn(name: string, text: string): ParsedFile<HypercornTree> {
  const errors: FileError[] = [];
  const starts = lineStarts(text);
  let tree: HypercornTree;
  if (isTomlName(name) || !/\bhypercorn\b/.test(text)) {
    const { top, errors: tomlErrors } = parseTomlTop(text);
    errors.push(...tomlErrors);
    tree = { form: 'toml', top };
  } else {
    const launch = findLaunches(name, text);
    for (const o of launch.unclosedQuotes)
      errors.push({ line: lineAt(starts, o), message: 'quote opened here is never closed' });
    const servers: HypercornServer[] = [];
    for (const l of launch.launches) {
      const at = findProgram(l.words, isHypercornProgram);
      if (at < 0) continue;
      const args = parseHypercornArgs(l.words.slice(at + 1));
      for (const u of args.unknown)
        errors.push({
          line: lineAt(starts, u.start),
          message: `hypercorn does not know the option ${u.flag}`,
        });
      servers.push({ ...programSite(text, l, at), args });
    }
    tree = { form: 'launch', servers };
  }
  const t = tree;
  return {
    name,
    kind: 'hypercorn',
    text,
    errors,
    tree: t,
    print: () => text,
    settings: () => fileSettings(name, t, starts),
  };
}

function fileSettings(file: string, tree: HypercornTree, starts: number[]): Setting[] {
  if (tree.form === 'toml')
    return tree.top.entries.map((e) => ({
      key: e.key,
      value: e.value,
      file,
      line: lineAt(starts, e.start),
      scope: 'config file',
    }));
  return tree.servers.flatMap((s) =>
    [...s.args.settings, ...(s.args.app ? [s.args.app] : [])].map((a) => ({
      key: a.name,
      value: a.value,
      file,
      line: lineAt(starts, a.start),
      scope: `command line (${s.origin})`,
      ...(a.dynamic ? { dynamic: a.dynamic } : {}),
    })),
  );
}
