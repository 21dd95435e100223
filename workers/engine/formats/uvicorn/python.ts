/**
 * `uvicorn.run("main:app", host="0.0.0.0", timeout_keep_alive=30)` and `uvicorn.Config(…)` in a
 * Python file, read without running it: keyword arguments with literal values become settings
 * (with the offsets of the argument); anything computed is kept as unknown, with its text.
 */
import type { FileError } from '../../model.ts';
import type { ArgSetting, ParsedArgs } from '../gunicorn/cmdline.ts';
import { pyLex, stringValue, type Tok } from '../gunicorn/pylex.ts';
import { BY_NAME } from './defaults.ts';

export interface UvicornCall {
  /** `uvicorn.run` or `uvicorn.Config`. */
  callee: string;
  /** Offset of `uvicorn`, for the line it is on. */
  start: number;
  args: ParsedArgs;
  /** The end of the last argument (of `(` when there is none): where a keyword is added. */
  lastArgEnd: number;
}

export function uvicornCalls(text: string): { calls: UvicornCall[]; errors: FileError[] } {
  const { lines, errors } = pyLex(text);
  const calls: UvicornCall[] = [];
  for (const line of lines) {
    const t = line.toks;
    for (let i = 0; i + 3 < t.length; i++) {
      if (
        t[i]!.text === 'uvicorn' &&
        t[i + 1]!.text === '.' &&
        /^(run|Config)$/.test(t[i + 2]!.text) &&
        t[i + 3]!.text === '('
      ) {
        const { args, lastArgEnd } = callArgs(text, t, i + 4);
        calls.push({ callee: `uvicorn.${t[i + 2]!.text}`, start: t[i]!.start, args, lastArgEnd });
      }
    }
  }
  return { calls, errors };
}

/** The arguments from `from` (after the opening parenthesis) to the matching one. */
function callArgs(
  text: string,
  toks: readonly Tok[],
  from: number,
): { args: ParsedArgs; lastArgEnd: number } {
  const settings: ArgSetting[] = [];
  const unknown: ParsedArgs['unknown'] = [];
  let app: ArgSetting | undefined;
  let depth = 0;
  let arg: Tok[] = [];
  let lastArgEnd = toks[from - 1]!.end;
  const finish = () => {
    if (arg.length === 0) return;
    lastArgEnd = arg.at(-1)!.end;
    const kw = arg.length >= 3 && arg[0]!.kind === 'name' && arg[1]!.text === '=';
    const valueToks = kw ? arg.slice(2) : arg;
    const start = arg[0]!.start;
    const end = arg.at(-1)!.end;
    const literal = literalOf(text, valueToks);
    // `timeout_graceful_shutdown=None` says what the default says.
    const none = valueToks.length === 1 && valueToks[0]!.text === 'None';
    if (!kw) {
      // The first positional argument is the app (a "module:attr" string or the object).
      app ??= { name: 'app', ...literal, start, end };
    } else if (BY_NAME.has(arg[0]!.text)) {
      if (none) return void (arg = []);
      settings.push({ name: arg[0]!.text, ...literal, start, end });
    } else if (!/^(app|config|log_config)$/.test(arg[0]!.text)) {
      unknown.push({ flag: arg[0]!.text, start });
    }
    arg = [];
  };
  for (let i = from; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.kind === 'op' && '([{'.includes(tok.text)) depth++;
    if (tok.kind === 'op' && ')]}'.includes(tok.text)) {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && tok.text === ',') finish();
    else arg.push(tok);
  }
  finish();
  return { args: { settings, ...(app ? { app } : {}), unknown }, lastArgEnd };
}

function literalOf(text: string, toks: readonly Tok[]): { value: string | null; dynamic?: string } {
  const [tok] = toks;
  const source = text.slice(toks[0]?.start ?? 0, toks.at(-1)?.end ?? 0);
  if (toks.length === 1 && tok) {
    if (tok.kind === 'number') return { value: tok.text.replace(/_/g, '') };
    if (tok.kind === 'string' && !/^[a-z]*f/i.test(tok.text))
      return { value: stringValue(tok).value };
    if (tok.text === 'True' || tok.text === 'False') return { value: tok.text.toLowerCase() };
  }
  return { value: null, dynamic: `\`${source}\` is computed when the program runs` };
}
