/**
 * Formatting-preserving edits to uvicorn inputs: where the file sets the option (a command-line
 * option, a `uvicorn.run()` keyword, else a `UVICORN_<NAME>` variable) its value is replaced;
 * otherwise the option is added to each command line (right after `uvicorn`) or each call
 * (after its last argument).
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import type { EnvAssignment } from '../gunicorn/launch.ts';
import { insertAfterProgram, separator, wordEnd, wordText } from '../gunicorn/edit.ts';
import { BY_NAME, envSetting } from './defaults.ts';
import type { UvicornTree } from './parse.ts';

/** Edits that make uvicorn's `name` setting (a valued option, not a switch) `value`. */
export function setUvicornSetting(
  parsed: ParsedFile<UvicornTree>,
  name: string,
  value: string | number,
): Edit[] {
  const def = BY_NAME.get(name);
  if (!def || def.switch) return [];
  const { tree, text, name: file } = parsed;
  const v = String(value);
  const written = tree.servers.some((s) => s.args.settings.some((a) => a.name === name));
  // A variable counts only where no command line or call says otherwise (they win over it).
  const env = tree.env.filter((e) => envSetting(e.name)?.name === name);
  if (!written && env.length > 0) {
    const edits = env.flatMap((e) => replaceEnv(text, file, e, v));
    // One not rewritable (written with escapes): the command line, which wins over it, instead.
    if (edits.length === env.length) return edits;
  }
  return tree.servers.map((s): Edit => {
    const set = s.args.settings.find((a) => a.name === name);
    if (tree.form === 'python') {
      if (!set) return { file, start: s.insertAt, end: s.insertAt, text: `, ${name}=${v}` };
      const eq = text.indexOf('=', set.start) + 1;
      const at = eq + (/^\s*/.exec(text.slice(eq, set.end))?.[0].length ?? 0);
      return { file, start: at, end: set.end, text: v };
    }
    const json = s.json === true;
    if (!set) return insertAfterProgram(file, s.insertAt, [def.flag, v], json);
    const flagWord = wordEnd(text, set.start);
    // `--opt=value` is one word: rewritten whole. `--opt value`: the value word after it.
    if (flagWord >= set.end)
      return { file, start: set.start, end: set.end, text: wordText(`${def.flag}=${v}`, json) };
    const valueStart = set.start + (flagWord - set.start) + separator(text, flagWord);
    return { file, start: valueStart, end: set.end, text: wordText(v, json) };
  });
}

/**
 * A variable's value replaced where it is written, its quoting kept (`UVICORN_X=5`,
 * `- UVICORN_X=5`, `UVICORN_X: "5"`): the last place the value's text appears in the assignment
 * (none when it was written with escapes).
 */
function replaceEnv(text: string, file: string, e: EnvAssignment, v: string): Edit[] {
  if (e.value === null || e.value === '') return [];
  const at = text.slice(e.start, e.end).lastIndexOf(e.value);
  if (at <= e.name.length) return [];
  const start = e.start + at;
  return [{ file, start, end: start + e.value.length, text: v }];
}
