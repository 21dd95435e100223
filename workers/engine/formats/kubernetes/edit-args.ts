/**
 * Edits to what a container runs: set a gunicorn option in its `command`/`args` (replacing
 * the value item in place with its quoting, or adding `--option value` items right after
 * `gunicorn` in the sequence's own style), including inside a `sh -c "…"` script.
 */
import { isScalar, isSeq, type Node, type Scalar, type YAMLSeq } from 'yaml';
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { parseGunicornArgs } from '../gunicorn/cmdline.ts';
import { BY_NAME } from '../gunicorn/defaults.ts';
import { findProgram } from '../gunicorn/launch.ts';
import { isGunicornProgram } from '../gunicorn/parse.ts';
import { findTarget, setScalar, type ContainerTarget } from './edit.ts';
import type { KubernetesTree } from './parse.ts';
import { containerRuntime } from './runtime.ts';
import { columnOf, houseStyle } from './style.ts';

type Parsed = ParsedFile<KubernetesTree>;

function scalarsOf(n: Node | undefined): Scalar[] {
  return isSeq(n) ? (n as YAMLSeq<Node>).items.filter((x): x is Scalar => isScalar(x)) : [];
}

/** Set gunicorn setting `name` on the command line of the container (if it runs gunicorn). */
export function setContainerGunicornSetting(
  parsed: Parsed,
  target: ContainerTarget,
  name: string,
  value: string | number,
): Edit[] {
  const found = findTarget(parsed, target);
  const def = BY_NAME.get(name);
  if (!found || !def || def.flag || def.flags.length === 0) return [];
  const { w, c } = found;
  const rt = containerRuntime(w.doc, c, parsed.name, parsed.tree.starts);
  const at = findProgram(rt.words, isGunicornProgram);
  if (at < 0) return [];
  const v = String(value);
  const scalars = [...scalarsOf(c.command), ...scalarsOf(c.args)];
  const flag = def.flags.find((f) => f.startsWith('--')) ?? def.flags[0]!;
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
      `(${def.flags.map((f) => f.replace(/[-]/g, '\\-')).join('|')})(=|\\s+)(\\S+)`,
    );
    const next = re.test(src)
      ? src.replace(re, (_m, f: string, sep: string) => `${f}${sep}${v}`)
      : src.replace(/\b(gunicorn3?)\b/, `$1 ${flag} ${v}`);
    return next === src ? [] : [setScalar(parsed, script, next)];
  }
  const args = parseGunicornArgs(rt.words.slice(at + 1));
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
