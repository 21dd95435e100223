/**
 * hypercorn's command line (argparse: `--keep-alive 5`, `--keep-alive=5`, `-w4`, `-w 4`,
 * unambiguous prefixes of long options, `--reload` switches, the app as the positional
 * argument) turned into settings with the offsets of the words that set them.
 */
import { takeValue, wordSetting, type ArgSetting, type ParsedArgs } from '../gunicorn/cmdline.ts';
import type { Word } from '../gunicorn/shell.ts';
import { BY_FLAG, HYPERCORN_SETTINGS } from './defaults.ts';

const LONG = HYPERCORN_SETTINGS.flatMap((d) => d.flags.filter((f) => f.startsWith('--')));

function known(flag: string) {
  const exact = BY_FLAG.get(flag);
  if (exact || !flag.startsWith('--')) return exact;
  const cands = LONG.filter((f) => f.startsWith(flag));
  return cands.length === 1 ? BY_FLAG.get(cands[0]!) : undefined;
}

export function parseHypercornArgs(words: readonly Word[]): ParsedArgs {
  const settings: ArgSetting[] = [];
  const unknown: ParsedArgs['unknown'] = [];
  let app: ArgSetting | undefined;

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (!v.startsWith('-') || v === '-') {
      app ??= wordSetting('app', w, v, w.start, w.end);
      continue;
    }
    const long = v.startsWith('--');
    const eq = long ? v.indexOf('=') : -1;
    // `-w4`: a short flag with its value attached.
    const flag = long ? (eq >= 0 ? v.slice(0, eq) : v) : v.slice(0, 2);
    const attached = long ? (eq >= 0 ? v.slice(eq + 1) : null) : v.length > 2 ? v.slice(2) : null;
    const def = known(flag);
    if (!def) {
      unknown.push({ flag, start: w.start });
      if (attached === null && words[i + 1] && !words[i + 1]!.value.startsWith('-')) i++;
      continue;
    }
    if (def.switch) {
      settings.push({ name: def.name, value: 'true', start: w.start, end: w.end });
      continue;
    }
    i = takeValue(words, i, def.name, flag, attached, { settings, unknown });
  }
  return { settings, ...(app ? { app } : {}), unknown };
}
