/** gunicorn: config files (Python, never executed) and the command lines that start it. */
import type { FormatHandler } from '../types.ts';
import { findLaunches, isLauncher } from './launch.ts';
import { findProgram } from './program.ts';
import { isGunicornProgram, parseGunicorn, type GunicornTree } from './parse.ts';
import { baseName } from '../../strings.ts';
import { startsProgram } from './start-line.ts';

const GUNICORN = /^gunicorn3?$/;

const SETTING_LINE =
  /^(bind|workers|worker_class|threads|timeout|graceful_timeout|keepalive|backlog|max_requests|max_requests_jitter|worker_connections|preload_app|accesslog|errorlog|loglevel|wsgi_app|limit_request_line|forwarded_allow_ips|worker_tmp_dir|reload|raw_env|proc_name|pidfile|capture_output)\s*(:\s*\w+\s*)?=/gm;

function detect(name: string, text: string): number {
  const base = baseName(name);
  const head = text.slice(0, 200_000);
  const hits = new Set((head.match(SETTING_LINE) ?? []).map((m) => m.split(/[\s:=]/, 1)[0])).size;
  if (/\.py$/i.test(base)) {
    if (/gunicorn/i.test(base)) return 0.97;
    if (hits >= 3) return 0.85;
    if (hits >= 1 && /gunicorn/i.test(head)) return 0.7;
    return hits >= 2 ? 0.5 : 0.05;
  }
  if ((isLauncher(name, head) && /\bgunicorn3?\b/.test(head)) || startsProgram(head, GUNICORN)) {
    const launch = findLaunches(name, head);
    if (launch.launches.some((l) => findProgram(l.words, isGunicornProgram) >= 0)) return 0.75;
    if (launch.env.some((e) => e.name === 'GUNICORN_CMD_ARGS')) return 0.6;
  }
  if (hits >= 4 && /^[ \t]*(import|from)[ \t]/m.test(head)) return 0.6;
  if (hits >= 3 && !/[{};]\s*$/m.test(head)) return 0.45;
  return 0;
}

export const handler: FormatHandler<GunicornTree> = {
  kind: 'gunicorn',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseGunicorn,
};

export {
  gunicornProcesses,
  parseGunicorn,
  type GunicornTree,
  type GunicornCommand,
} from './parse.ts';
export {
  gunicornSettings,
  gunicornLayers,
  mergeGunicornLayers,
  effectiveWorkerClass,
  gunicornBinds,
  type GunicornBind,
  type GunicornLayer,
} from './effective.ts';
export { setGunicornSetting } from './edit.ts';
export { GUNICORN_SETTINGS } from './defaults.ts';
export type { EffectiveSettings, EffectiveValue, Provenance } from './text.ts';
