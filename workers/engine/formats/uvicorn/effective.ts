/**
 * The settings each uvicorn server runs with: its command line (or `uvicorn.run()` arguments)
 * over `UVICORN_*` from the same file, over uvicorn's defaults — each with its line.
 */
import type { ParsedFile } from '../types.ts';
import type { EffectiveSettings } from '../gunicorn/text.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { UVICORN_SETTINGS, envSetting } from './defaults.ts';
import type { UvicornTree } from './parse.ts';

export interface UvicornRun {
  /** "Dockerfile CMD", "uvicorn.run()". */
  origin: string;
  settings: EffectiveSettings;
}

export function uvicornDefaults(): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const def of UVICORN_SETTINGS)
    out[def.name] = {
      value: def.def.value,
      source: { default: `uvicorn default (${def.def.holds})` },
    };
  return out;
}

export function uvicornRuns(file: ParsedFile<UvicornTree>): UvicornRun[] {
  const starts = lineStarts(file.text);
  const at = (offset: number) => ({ file: file.name, line: lineAt(starts, offset) });
  const base = uvicornDefaults();
  for (const e of file.tree.env) {
    const name =
      envSetting(e.name)?.name ??
      (e.name === 'WEB_CONCURRENCY'
        ? 'workers'
        : e.name === 'FORWARDED_ALLOW_IPS'
          ? 'forwarded_allow_ips'
          : null);
    if (!name) continue;
    // UVICORN_* wins over the two plain variables uvicorn also reads.
    if (!e.name.startsWith('UVICORN_') && !('default' in base[name]!.source)) continue;
    base[name] = {
      value: e.value,
      source:
        e.value === null
          ? { dynamic: `${e.name} is set at run time`, ...at(e.start) }
          : at(e.start),
    };
  }
  return file.tree.servers.map((server) => {
    const settings = { ...base };
    for (const a of server.args.settings)
      settings[a.name] = {
        value: a.value,
        source: a.dynamic ? { ...at(a.start), dynamic: a.dynamic } : at(a.start),
      };
    if (server.args.app)
      settings.app = { value: server.args.app.value, source: at(server.args.app.start) };
    return { origin: server.origin, settings };
  });
}
