/**
 * Edits to what a container runs: set a gunicorn or uvicorn option in its `command`/`args`
 * (replacing the value item in place with its quoting, or adding `--option value` items right
 * after the program in the sequence's own style), including inside a `sh -c "…"` script.
 */
import { isScalar, isSeq, type Node, type Scalar, type YAMLSeq } from 'yaml';
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { parseGunicornArgs, type ParsedArgs } from '../gunicorn/cmdline.ts';
import { BY_NAME } from '../gunicorn/defaults.ts';
import { findProgram } from '../gunicorn/program.ts';
import { isGunicornProgram } from '../gunicorn/parse.ts';
import type { Word } from '../gunicorn/shell.ts';
import { BY_NAME as UVICORN_BY_NAME } from '../uvicorn/defaults.ts';
import { parseUvicornArgs } from '../uvicorn/cmdline.ts';
import { isUvicornProgram } from '../uvicorn/parse.ts';
import { BY_NAME as HYPERCORN_BY_NAME } from '../hypercorn/defaults.ts';
import { parseHypercornArgs } from '../hypercorn/cmdline.ts';
import { isHypercornProgram } from '../hypercorn/parse.ts';
import { findTarget, setScalar, type ContainerTarget } from './edit.ts';
import type { KubernetesTree } from './parse.ts';
import { containerRuntime } from './runtime.ts';
import { columnOf, houseStyle } from './style.ts';

type Parsed = ParsedFile<KubernetesTree>;

function scalarsOf(n: Node | undefined): Scalar[] {
  return isSeq(n) ? (n as YAMLSeq<Node>).items.filter((x): x is Scalar => isScalar(x)) : [];
}

/** How one app server's command line is read and written. */
interface Program {
  isProgram(base: string): boolean;
  /** The flags that set `name` to a value (the long one is written); [] for a switch. */
  flags(name: string): readonly string[];
  parseArgs(words: readonly Word[]): ParsedArgs;
  /** The program as a word of a `sh -c` script. */
  inScript: RegExp;
}

const GUNICORN: Program = {
  isProgram: isGunicornProgram,
  flags: (name) => {
    const def = BY_NAME.get(name);
    return !def || def.flag ? [] : def.flags;
  },
  parseArgs: parseGunicornArgs,
  inScript: /\b(gunicorn3?)\b/,
};

const UVICORN: Program = {
  isProgram: isUvicornProgram,
  flags: (name) => {
    const def = UVICORN_BY_NAME.get(name);
    return !def || def.switch ? [] : [def.flag];
  },
  parseArgs: parseUvicornArgs,
  inScript: /\b(uvicorn)\b/,
};

const HYPERCORN: Program = {
  isProgram: isHypercornProgram,
  flags: (name) => {
    const def = HYPERCORN_BY_NAME.get(name);
    return !def || def.switch ? [] : def.flags;
  },
  parseArgs: parseHypercornArgs,
  inScript: /\b(hypercorn)\b/,
};

/** Set hypercorn setting `name` on the command line of the container (if it runs hypercorn). */
export function setContainerHypercornSetting(
  parsed: Parsed,
  target: ContainerTarget,
  name: string,
  value: string | number,
): Edit[] {
  return setContainerOption(parsed, target, HYPERCORN, name, value);
}

/** Set gunicorn setting `name` on the command line of the container (if it runs gunicorn). */
export function setContainerGunicornSetting(
  parsed: Parsed,
  target: ContainerTarget,
  name: string,
  value: string | number,
): Edit[] {
  return setContainerOption(parsed, target, GUNICORN, name, value);
}

/** Set uvicorn setting `name` on the command line of the container (if it runs uvicorn). */
export function setContainerUvicornSetting(
  parsed: Parsed,
  target: ContainerTarget,
  name: string,
  value: string | number,
): Edit[] {
  return setContainerOption(parsed, target, UVICORN, name, value);
}

function setContainerOption(
  parsed: Parsed,
  target: ContainerTarget,
  program: Program,
  name: string,
  value: string | number,
): Edit[] {
  const found = findTarget(parsed, target);
  const flags = program.flags(name);
  if (!found || flags.length === 0) return [];
  const { w, c } = found;
  const rt = containerRuntime(w.doc, c, parsed.name, parsed.tree.starts);
  const at = findProgram(rt.words, program.isProgram);
  if (at < 0) return [];
  const v = String(value);
  const scalars = [...scalarsOf(c.command), ...scalarsOf(c.args)];
  const flag = flags.find((f) => f.startsWith('--')) ?? flags[0]!;
  // `sh -c "… gunicorn …"`: every word points at the script scalar; rewrite the script text.
  const script = scalars.find(
    (s) =>
      s.range![0] === rt.words[at]!.start &&
      s.range![1] === rt.words[at]!.end &&
      /\s/.test(String(s.value)),
  );
  if (script) {
    const src = String(script.value);
    const re = new RegExp(
      `(${flags.map((f) => f.replace(/[-]/g, '\\-')).join('|')})(=|\\s+)(\\S+)`,
    );
    const next = re.test(src)
      ? src.replace(re, (_m, f: string, sep: string) => `${f}${sep}${v}`)
      : src.replace(program.inScript, `$1 ${flag} ${v}`);
    return next === src ? [] : [setScalar(parsed, script, next)];
  }
  const args = program.parseArgs(rt.words.slice(at + 1));
  const hit = args.settings.filter((s) => s.name === name).pop();
  if (hit) {
    const valueScalar = scalars.find((s) => s.range![1] === hit.end);
    if (!valueScalar) return [];
    const raw = String(valueScalar.value);
    if (valueScalar.range![0] === hit.start && raw.startsWith('-')) {
      const eq = raw.indexOf('=');
      const next = eq > 0 ? raw.slice(0, eq + 1) + v : raw.slice(0, 2) + v;
      return next === raw ? [] : [setScalar(parsed, valueScalar, next)];
    }
    return raw === v ? [] : [setScalar(parsed, valueScalar, v)];
  }
  const prog = scalars.find((s) => s.range![0] === rt.words[at]!.start);
  if (!prog) return [];
  const seq = [c.command, c.args].find(
    (n) => isSeq(n) && (n as YAMLSeq<Node>).items.includes(prog),
  ) as YAMLSeq<Node> | undefined;
  if (!seq) return [];
  const text = parsed.text;
  const quote = (s: string) =>
    prog.type === 'QUOTE_SINGLE'
      ? `'${s}'`
      : prog.type === 'QUOTE_DOUBLE' || /^\d/.test(s)
        ? JSON.stringify(s)
        : s;
  if (seq.flow)
    return [
      {
        file: parsed.name,
        start: prog.range![1],
        end: prog.range![1],
        text: `, ${quote(flag)}, ${quote(v)}`,
      },
    ];
  // Block sequence: new `- item` lines after the program's line, at its dash column.
  const lineStart = text.lastIndexOf('\n', prog.range![0] - 1) + 1;
  const dash = text.lastIndexOf('-', prog.range![0]);
  const col = dash >= lineStart ? columnOf(text, dash) : columnOf(text, prog.range![0]);
  const nl = houseStyle(text, parsed.tree).newline;
  const eol = text.indexOf('\n', prog.range![1]);
  const insertAt = eol === -1 ? text.length : eol + 1;
  const lines = [flag, v].map((x) => `${' '.repeat(col)}- ${quote(x)}`).join(nl);
  return [
    {
      file: parsed.name,
      start: insertAt,
      end: insertAt,
      text: `${eol === -1 ? nl : ''}${lines}${nl}`,
    },
  ];
}
