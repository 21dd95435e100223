/**
 * Formatting-preserving edits to gunicorn inputs. In a Python config: replace the value of
 * the last module-level assignment (keeping an `os.getenv(…, default)` wrapper by changing
 * only its default literal), or insert `name = value` in the file's own style. In a command
 * line: replace the option's value word, or add the option after `gunicorn`.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import type { PyAssignment } from './config.ts';
import { BY_NAME } from './defaults.ts';
import type { GunicornTree } from './parse.ts';
import { stringValue } from './pylex.ts';
import { display, notesOf } from './pyval.ts';
import { newlineOf } from './text.ts';
import { isJsonWord } from './shell.ts';

export type PyLiteral = string | number | boolean;

/** Edits that make gunicorn's `name` setting `value` in this file. */
export function setGunicornSetting(
  parsed: ParsedFile<GunicornTree>,
  name: string,
  value: PyLiteral,
): Edit[] {
  const tree = parsed.tree;
  if (tree.form === 'python') return setInPython(parsed, tree, name, value);
  return setInCommand(parsed, tree, name, value);
}

function quoteStyle(text: string): '"' | "'" {
  const dq = (text.match(/(^|[^\\])"/g) ?? []).length;
  const sq = (text.match(/(^|[^\\])'/g) ?? []).length;
  return sq > dq ? "'" : '"';
}

export function pyLiteral(value: PyLiteral, quote: '"' | "'"): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  const esc = value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
  return `${quote}${esc}${quote}`;
}

function setInPython(
  parsed: ParsedFile<GunicornTree>,
  tree: Extract<GunicornTree, { form: 'python' }>,
  name: string,
  value: PyLiteral,
): Edit[] {
  const text = parsed.text;
  const file = parsed.name;
  const quote = quoteStyle(text);
  const all = tree.config.assignments.filter((a) => a.name === name);
  const last = all[all.length - 1];
  if (last && last.topLevel) {
    const envLiteral = envDefaultLiteral(last);
    if (envLiteral) {
      const lit =
        typeof value === 'string' || envLiteral.kind === 'string'
          ? pyLiteral(String(value), envLiteral.quote ?? quote)
          : pyLiteral(value, quote);
      return [{ file, start: envLiteral.start, end: envLiteral.end, text: lit }];
    }
    return [{ file, start: last.valueStart, end: last.valueEnd, text: pyLiteral(value, quote) }];
  }
  // Insert: after the last module-level setting, and after any block that assigns `name`.
  const nl = newlineOf(text);
  const settingsAt = tree.config.assignments.filter((a) => a.topLevel && BY_NAME.has(a.name));
  let at = settingsAt.length ? settingsAt[settingsAt.length - 1]!.stmt.end : firstCodeOffset(tree);
  if (last) at = Math.max(at, blockEnd(tree, last));
  const spaced = /^[A-Za-z_]\w*[ \t]+=[ \t]+/m.test(text) || !/^[A-Za-z_]\w*=/m.test(text);
  const line = `${name}${spaced ? ' = ' : '='}${pyLiteral(value, quote)}`;
  const before = at > 0 && text[at - 1] !== '\n' ? nl : '';
  return [{ file, start: at, end: at, text: `${before}${line}${nl}` }];
}

/** The string/number literal that is the default of an env lookup in the assignment, if unique. */
function envDefaultLiteral(
  a: PyAssignment,
): { start: number; end: number; kind: 'string' | 'number'; quote?: '"' | "'" } | null {
  const notes = notesOf(a.value);
  if (!notes.some((n) => n.includes('from the environment, else'))) return null;
  const shown = display(a.value);
  const lits = a.stmt.toks.filter(
    (t) =>
      t.start >= a.valueStart &&
      t.end <= a.valueEnd &&
      (t.kind === 'string' || t.kind === 'number'),
  );
  const matches = lits.filter((t) =>
    t.kind === 'number'
      ? Number(t.text) === Number(shown)
      : stringValue(t).value === shown || Number(stringValue(t).value) === Number(shown),
  );
  if (matches.length !== 1) return null;
  const m = matches[0]!;
  if (m.kind === 'string') {
    const q = m.text.replace(/^[a-zA-Z]*/, '')[0];
    if (/^[a-zA-Z]*('''|""")/.test(m.text)) return null;
    return { start: m.start, end: m.end, kind: 'string', quote: q === "'" ? "'" : '"' };
  }
  return { start: m.start, end: m.end, kind: 'number' };
}

function firstCodeOffset(tree: Extract<GunicornTree, { form: 'python' }>): number {
  // After the leading imports and docstring, or at the end of the file.
  let at = 0;
  for (const l of tree.config.lines) {
    const h = l.toks[0]!;
    if (
      l.indent === 0 &&
      (h.text === 'import' || h.text === 'from' || (h.kind === 'string' && l.toks.length === 1))
    )
      at = l.end;
    else break;
  }
  return at || (tree.chunks[tree.chunks.length - 1]?.end ?? 0);
}

function blockEnd(tree: Extract<GunicornTree, { form: 'python' }>, a: PyAssignment): number {
  const after = tree.config.lines.find(
    (l) =>
      l.start >= a.stmt.end &&
      l.indent === 0 &&
      !/^(elif|else|except|finally)$/.test(l.toks[0]!.text),
  );
  return after ? after.start : (tree.chunks[tree.chunks.length - 1]?.end ?? a.stmt.end);
}

function setInCommand(
  parsed: ParsedFile<GunicornTree>,
  tree: Extract<GunicornTree, { form: 'launch' }>,
  name: string,
  value: PyLiteral,
): Edit[] {
  const text = parsed.text;
  const file = parsed.name;
  const def = BY_NAME.get(name);
  if (!def || def.flags.length === 0) return [];
  const edits: Edit[] = [];
  const v = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  for (const cmd of tree.commands) {
    const json = isJsonWord(text, cmd.words[0]!.start);
    const found = cmd.args.settings.filter((s) => s.name === name);
    if (def.flag) {
      if (found.length === 0 && value === true)
        edits.push(
          insertAfterProgram(file, cmd.words[0]!.end, [def.flags[def.flags.length - 1]!], json),
        );
      continue;
    }
    if (found.length) {
      for (const s of found) {
        // The value is the last word in [start, end): replace it (or the `=value` part).
        const w = cmd.words.filter((x) => x.start >= s.start && x.end <= s.end).pop();
        if (!w) continue;
        const raw = text.slice(w.start, w.end);
        const eq = raw.indexOf('=');
        if (w.start === s.start && raw.startsWith('-') && eq > 0) {
          edits.push({
            file,
            start: w.start,
            end: w.end,
            text: wordText(raw.slice(0, eq + 1) + v, json),
          });
        } else if (w.start === s.start && /^-[a-zA-Z]./.test(raw)) {
          edits.push({
            file,
            start: w.start,
            end: w.end,
            text: wordText(raw.slice(0, 2) + v, json),
          });
        } else edits.push({ file, start: w.start, end: w.end, text: wordText(v, json) });
      }
    } else {
      const flag = def.flags.find((f) => f.startsWith('--')) ?? def.flags[0]!;
      edits.push(insertAfterProgram(file, cmd.words[0]!.end, [flag, v], json));
    }
  }
  return edits;
}

export function wordText(v: string, json: boolean): string {
  if (json) return JSON.stringify(v);
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

export function insertAfterProgram(file: string, at: number, words: string[], json: boolean): Edit {
  if (json)
    return { file, start: at, end: at, text: words.map((w) => `, ${JSON.stringify(w)}`).join('') };
  return { file, start: at, end: at, text: words.map((w) => ` ${wordText(w, false)}`).join('') };
}

/** The end of the shell or JSON word starting at `start` (past its closing quote). */
export function wordEnd(text: string, start: number): number {
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    let i = start + 1;
    while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
    return i + 1;
  }
  return start + (/^[^\s,\]]*/.exec(text.slice(start))?.[0].length ?? 0);
}

/** Spaces (and a JSON comma) between two words. */
export function separator(text: string, at: number): number {
  return /^[\s,]*/.exec(text.slice(at, at + 200))?.[0].length ?? 0;
}
