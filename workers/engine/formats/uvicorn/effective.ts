/**
 * The settings each uvicorn server runs with: its command line (or `uvicorn.run()` arguments)
 * over `UVICORN_*` from the same file, over uvicorn's defaults — each with its line.
 */
import type { ParsedFile } from '../types.ts';
import type { EffectiveSettings } from '../gunicorn/text.ts';
import { defaultsOf, lineAt, lineStarts } from '../gunicorn/text.ts';
import { UVICORN_SETTINGS, envTarget } from './defaults.ts';
import type { UvicornTree } from './parse.ts';
import type { ParsedArgs } from '../gunicorn/cmdline.ts';
import type { Launched } from '../gunicorn/program.ts';

export interface UvicornRun {
  /** "Dockerfile CMD", "uvicorn.run()". */
  origin: string;
  settings: EffectiveSettings;
  /** Where its command is written (an offset inside it), and the process it is. */
  launch: Launched;
}

export function uvicornDefaults(): EffectiveSettings {
  return defaultsOf(UVICORN_SETTINGS, 'uvicorn');
}

/** A variable uvicorn reads from its environment, with the line that sets it. */
export interface UvicornEnv {
  name: string;
  value: string | null;
  file: string;
  line: number;
}

type At = (offset: number) => { file: string; line: number };

/**
 * One server's settings: its arguments over the environment (UVICORN_*, which wins over
 * WEB_CONCURRENCY and FORWARDED_ALLOW_IPS), over uvicorn's defaults.
 */
export function uvicornSettings(
  args: ParsedArgs,
  env: readonly UvicornEnv[],
  at: At,
): EffectiveSettings {
  const settings = uvicornDefaults();
  for (const e of env) {
    const target = envTarget(e.name);
    if (!target) continue;
    const name = target.name;
    if (!target.prefixed && !('default' in settings[name]!.source)) continue;
    const where = { file: e.file, line: e.line };
    settings[name] = {
      value: e.value,
      source: e.value === null ? { dynamic: `${e.name} is set at run time`, ...where } : where,
    };
  }
  for (const a of args.settings)
    settings[a.name] = {
      value: a.value,
      source: a.dynamic ? { ...at(a.start), dynamic: a.dynamic } : at(a.start),
    };
  if (args.app) settings.app = { value: args.app.value, source: at(args.app.start) };
  return settings;
}

export function uvicornRuns(file: ParsedFile<UvicornTree>): UvicornRun[] {
  const starts = lineStarts(file.text);
  const at = (offset: number) => ({ file: file.name, line: lineAt(starts, offset) });
  const env = file.tree.env.map((e) => ({ name: e.name, value: e.value, ...at(e.start) }));
  return file.tree.servers.map((server) => ({
    origin: server.origin,
    settings: uvicornSettings(server.args, env, at),
    launch: {
      file: file.name,
      at: server.insertAt,
      process: server.unit,
    },
  }));
}
