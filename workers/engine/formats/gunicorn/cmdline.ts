/**
 * gunicorn's command line (argparse rules: `--timeout 120`, `--timeout=120`, `-t120`, `-w 4`,
 * store-true flags, the app module as the positional argument) turned into settings with
 * the offsets of the words that set them. GUNICORN_CMD_ARGS uses the same parser.
 */
import { BY_FLAG, GUNICORN_SETTINGS } from './defaults.ts';
import type { Word } from './shell.ts';

export interface ArgSetting {
  name: string;
  /** null when the word holds a shell expansion. */
  value: string | null;
  /** The words that set it (flag and value). */
  start: number;
  end: number;
  dynamic?: string;
}

export interface ParsedArgs {
  settings: ArgSetting[];
  /** The WSGI app (`module:app`), if given. */
  app?: ArgSetting;
  /** Options gunicorn would reject, with their offsets. */
  unknown: { flag: string; start: number }[];
}

/** A setting from a word; a word the shell expands at run time has no value known here. */
export function wordSetting(
  name: string,
  w: Word,
  value: string,
  start: number,
  end: number,
): ArgSetting {
  return w.expansion
    ? {
        name,
        value: null,
        start,
        end,
        dynamic: `\`${value}\` is expanded by the shell at run time`,
      }
    : { name, value, start, end };
}

/**
 * An option that takes a value: attached to its word (`--timeout=120`, `-w4`), else the next
 * word. Returns the index of the last word used; a flag with nothing after it is unknown.
 */
export function takeValue(
  words: readonly Word[],
  i: number,
  name: string,
  flag: string,
  attached: string | null,
  out: Pick<ParsedArgs, 'settings' | 'unknown'>,
): number {
  const w = words[i]!;
  if (attached !== null) {
    out.settings.push(wordSetting(name, w, attached, w.start, w.end));
    return i;
  }
  const next = words[i + 1];
  if (!next) {
    out.unknown.push({ flag: `${flag} (missing value)`, start: w.start });
    return i;
  }
  out.settings.push(wordSetting(name, next, next.value, w.start, next.end));
  return i + 1;
}

const LONG = GUNICORN_SETTINGS.flatMap((s) => s.flags.filter((f) => f.startsWith('--')));

export function parseGunicornArgs(words: readonly Word[]): ParsedArgs {
  const settings: ArgSetting[] = [];
  const unknown: { flag: string; start: number }[] = [];
  let app: ArgSetting | undefined;

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v === '--') {
      const rest = words[i + 1];
      if (rest) app = wordSetting('wsgi_app', rest, rest.value, rest.start, rest.end);
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      let flag = eq >= 0 ? v.slice(0, eq) : v;
      // argparse accepts unambiguous prefixes of long options.
      if (!BY_FLAG.has(flag)) {
        const cands = LONG.filter((f) => f.startsWith(flag));
        if (cands.length === 1) flag = cands[0]!;
      }
      const def = BY_FLAG.get(flag);
      if (!def) {
        unknown.push({ flag, start: w.start });
        // Unknown options: assume they take a value unless the next word is an option.
        if (
          eq < 0 &&
          words[i + 1] &&
          !words[i + 1]!.value.startsWith('-') &&
          !/:/.test(words[i + 1]!.value)
        )
          i++;
        continue;
      }
      if (def.flag) {
        const value = def.name === 'sendfile' ? 'false' : 'true';
        settings.push({ name: def.name, value, start: w.start, end: w.end });
        continue;
      }
      i = takeValue(words, i, def.name, flag, eq >= 0 ? v.slice(eq + 1) : null, {
        settings,
        unknown,
      });
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      const flag = v.slice(0, 2);
      const def = BY_FLAG.get(flag);
      if (!def) {
        unknown.push({ flag, start: w.start });
        continue;
      }
      if (def.flag) {
        settings.push({ name: def.name, value: 'true', start: w.start, end: w.end });
        continue;
      }
      const attached = v.length > 2 ? v.slice(2).replace(/^=/, '') : null;
      i = takeValue(words, i, def.name, flag, attached, { settings, unknown });
      continue;
    }
    app = wordSetting('wsgi_app', w, v, w.start, w.end);
  }
  return { settings, app, unknown };
}
