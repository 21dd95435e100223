/**
 * Formatting-preserving edits to hypercorn inputs: in a TOML file the key's value is replaced,
 * or a `key = value` line added at the end of the top level; on a command line the option's
 * value is replaced, or the option added right after `hypercorn`.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { insertAfterProgram, separator, wordEnd, wordText } from '../gunicorn/edit.ts';
import { newlineOf } from '../gunicorn/text.ts';
import { BY_NAME } from './defaults.ts';
import type { HypercornTree } from './parse.ts';

/** Edits that make hypercorn's `name` setting (a number of seconds or requests) `value`. */
export function setHypercornSetting(
  parsed: ParsedFile<HypercornTree>,
  name: string,
  value: number,
): Edit[] {
  const def = BY_NAME.get(name);
  if (!def || def.switch) return [];
  const { tree, text, name: file } = parsed;
  const v = String(value);
  if (tree.form === 'toml') {
    const entry = tree.top.entries.findLast((e) => e.key === name);
    if (entry) return [{ file, start: entry.start, end: entry.end, text: v }];
    // After the last top-level entry (before any table), on a line of its own.
    const last = tree.top.entries.at(-1);
    const nl = newlineOf(text);
    if (last)
      return [{ file, start: last.lineEnd, end: last.lineEnd, text: `${nl}${name} = ${v}` }];
    const at = tree.top.topEnd;
    const before = at > 0 && text[at - 1] !== '\n' ? nl : '';
    return [{ file, start: at, end: at, text: `${before}${name} = ${v}${nl}` }];
  }
  const flag = def.flags.find((f) => f.startsWith('--'));
  if (!flag) return [];
  return tree.servers.map((s): Edit => {
    const set = s.args.settings.findLast((a) => a.name === name);
    const json = s.json === true;
    if (!set) return insertAfterProgram(file, s.insertAt, [flag, v], json);
    const flagWord = wordEnd(text, set.start);
    // `--keep-alive=5` or `-w4` is one word: rewritten whole. `--keep-alive 5`: the value word.
    if (flagWord >= set.end)
      return { file, start: set.start, end: set.end, text: wordText(`${flag}=${v}`, json) };
    const valueStart = flagWord + separator(text, flagWord);
    return { file, start: valueStart, end: set.end, text: wordText(v, json) };
  });
}
