/**
 * uvicorn's command line (click rules: `--port 8000`, `--port=8000`, switches such as `--reload`
 * and their `--no-…` forms, the app as the one positional argument) turned into settings with
 * the offsets of the words that set them.
 */
import { takeValue, wordSetting, type ArgSetting, type ParsedArgs } from '../gunicorn/cmdline.ts';
import type { Word } from '../gunicorn/shell.ts';
import { BY_FLAG } from './defaults.ts';

export function parseUvicornArgs(words: readonly Word[]): ParsedArgs {
  const settings: ArgSetting[] = [];
  const unknown: { flag: string; start: number }[] = [];
  let app: ArgSetting | undefined;

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v === '--') {
      const rest = words[i + 1];
      if (rest) app = wordSetting('app', rest, rest.value, rest.start, rest.end);
      break;
    }
    if (!v.startsWith('-') || v === '-') {
      app ??= wordSetting('app', w, v, w.start, w.end);
      continue;
    }
    const eq = v.indexOf('=');
    const flag = eq >= 0 ? v.slice(0, eq) : v;
    const known = BY_FLAG.get(flag);
    if (!known) {
      unknown.push({ flag, start: w.start });
      // An option uvicorn may have grown since: take its value along unless it looks like one.
      if (eq < 0 && words[i + 1] && !words[i + 1]!.value.startsWith('-')) i++;
      continue;
    }
    const { def, negative } = known;
    if (def.switch) {
      settings.push({ name: def.name, value: String(!negative), start: w.start, end: w.end });
      continue;
    }
    i = takeValue(words, i, def.name, flag, eq >= 0 ? v.slice(eq + 1) : null, {
      settings,
      unknown,
    });
  }
  return { settings, ...(app ? { app } : {}), unknown };
}
