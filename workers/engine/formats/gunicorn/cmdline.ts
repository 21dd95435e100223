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

const LONG = GUNICORN_SETTINGS.flatMap((s) => s.flags.filter((f) => f.startsWith('--')));

export function parseGunicornArgs(words: readonly Word[]): ParsedArgs {
  const settings: ArgSetting[] = [];
  const unknown: { flag: string; start: number }[] = [];
  let app: ArgSetting | undefined;
  const valueOf = (w: Word, v: string): { value: string | null; dynamic?: string } =>
    w.expansion
      ? { value: null, dynamic: `\`${v}\` is expanded by the shell at run time` }
      : { value: v };

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v === '--') {
      const rest = words[i + 1];
      if (rest)
        app = { name: 'wsgi_app', ...valueOf(rest, rest.value), start: rest.start, end: rest.end };
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
      if (eq >= 0) {
        settings.push({
          name: def.name,
          ...valueOf(w, v.slice(eq + 1)),
          start: w.start,
          end: w.end,
        });
        continue;
      }
      const next = words[i + 1];
      if (!next) {
        unknown.push({ flag: `${flag} (missing value)`, start: w.start });
        continue;
      }
      settings.push({
        name: def.name,
        ...valueOf(next, next.value),
        start: w.start,
        end: next.end,
      });
      i++;
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
      if (v.length > 2) {
        const attached = v.slice(2).replace(/^=/, '');
        settings.push({ name: def.name, ...valueOf(w, attached), start: w.start, end: w.end });
        continue;
      }
      const next = words[i + 1];
      if (!next) {
        unknown.push({ flag: `${flag} (missing value)`, start: w.start });
        continue;
      }
      settings.push({
        name: def.name,
        ...valueOf(next, next.value),
        start: w.start,
        end: next.end,
      });
      i++;
      continue;
    }
    app = { name: 'wsgi_app', ...valueOf(w, v), start: w.start, end: w.end };
  }
  return { settings, app, unknown };
}
