/** uWSGI: ini files and the command lines (and UWSGI_* variables) that start it. */
import type { FormatHandler } from '../types.ts';
import { findLaunches } from '../gunicorn/launch.ts';
import { findProgram } from '../gunicorn/program.ts';
import { isUwsgiProgram, parseUwsgi, type UwsgiTree } from './parse.ts';
import { baseName } from '../../strings.ts';
import { startsProgram } from '../gunicorn/start-line.ts';

const OPTION =
  /^[ \t]*(socket|http-socket|http|module|wsgi-file|processes|workers|threads|master|harakiri|buffer-size|chdir|vacuum|die-on-term|enable-threads|max-requests|plugins?|callable|uid|gid|lazy-apps|chmod-socket)[ \t]*=/gm;

/** A supervisord config, whatever its name: it has `[program:x]` sections. */
const SUPERVISORD = /^[ \t]*\[program:[^\]\n]+\]/m;

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const base = baseName(name);
  const hasSection = /^[ \t]*\[uwsgi\][ \t]*\r?$/m.test(head);
  const hits = new Set((head.match(OPTION) ?? []).map((m) => m.split('=', 1)[0]!.trim())).size;
  if (hasSection) return /uwsgi/i.test(base) ? 0.98 : hits >= 1 ? 0.93 : 0.8;
  if (/\.ini$/i.test(base)) return /uwsgi/i.test(base) ? 0.7 : hits >= 3 ? 0.5 : 0.05;
  const launcherName =
    /^(Procfile|Dockerfile|Containerfile|(docker-)?compose[\w.-]*\.ya?ml$)|\.(service|sh|bash)$/i.test(
      base,
    );
  if (
    ((launcherName || SUPERVISORD.test(head)) && /\buwsgi\b/.test(head)) ||
    startsProgram(head, /^uwsgi$/)
  ) {
    const launch = findLaunches(name, head);
    if (launch.launches.some((l) => findProgram(l.words, isUwsgiProgram) >= 0)) return 0.72;
    if (launch.env.some((e) => /^UWSGI_/.test(e.name))) return 0.55;
  }
  return 0;
}

export const handler: FormatHandler<UwsgiTree> = {
  kind: 'uwsgi',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseUwsgi,
};

export { parseUwsgi, type UwsgiTree } from './parse.ts';
export {
  uwsgiSettings,
  uwsgiSockets,
  uwsgiApplied,
  mergeUwsgiSettings,
  type UwsgiSocket,
  type UwsgiProtocol,
} from './effective.ts';
export { addUwsgiOption, setUwsgiOption } from './edit.ts';
export { UWSGI_DEFAULTS } from './defaults.ts';
