/** uvicorn: the command lines that start it and `uvicorn.run()` calls (Python, never executed). */
import type { FormatHandler } from '../types.ts';
import { findLaunches, isLauncher } from '../gunicorn/launch.ts';
import { findProgram } from '../gunicorn/program.ts';
import { startsProgram } from '../gunicorn/start-line.ts';
import { baseName } from '../../strings.ts';
import { isUvicornProgram, parseUvicorn, type UvicornTree } from './parse.ts';

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  if (!/\buvicorn\b/.test(head)) return 0;
  if (/\.py$/i.test(baseName(name)) || /^[ \t]*(import|from)[ \t]+uvicorn\b/m.test(head))
    return /\buvicorn\.(run|Config)\(/.test(head) ? 0.8 : 0;
  if (
    isLauncher(name, head) ||
    startsProgram(head, /^uvicorn$/) ||
    /\bpython[\d.]*[ \t"',]+-m[ \t"',]+uvicorn\b/.test(head)
  ) {
    const launch = findLaunches(name, head);
    if (launch.launches.some((l) => findProgram(l.words, isUvicornProgram) >= 0)) return 0.75;
    if (launch.env.some((e) => e.name.startsWith('UVICORN_'))) return 0.6;
  }
  return 0;
}

export const handler: FormatHandler<UvicornTree> = {
  kind: 'uvicorn',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseUvicorn,
};

export { parseUvicorn, isUvicornProgram, type UvicornTree } from './parse.ts';
export { uvicornRuns, uvicornDefaults, uvicornSettings, type UvicornRun } from './effective.ts';
export { parseUvicornArgs } from './cmdline.ts';
