/** hypercorn: the command lines that start it and its TOML config files. */
import type { FormatHandler } from '../types.ts';
import { findLaunches, isLauncher } from '../gunicorn/launch.ts';
import { findProgram } from '../gunicorn/program.ts';
import { startsProgram } from '../gunicorn/start-line.ts';
import { baseName } from '../../strings.ts';
import { isHypercornProgram, isTomlName, parseHypercorn, type HypercornTree } from './parse.ts';

/**
 * Keys only a hypercorn config has: gunicorn's Python config shares bind, workers, accesslog,
 * errorlog, worker_class and graceful_timeout, and a pyproject.toml has none of these.
 */
const OWN_KEYS =
  /^[ \t]*(keep_alive_timeout|keep_alive_max_requests|insecure_bind|quic_bind|h11_max_incomplete_size|h2_max_concurrent_streams|h2_max_header_list_size|alpn_protocols|include_server_header|websocket_max_message_size|startup_timeout|shutdown_timeout)[ \t]*=/m;
const SETTING =
  /^[ \t]*(bind|workers|worker_class|graceful_timeout|accesslog|errorlog|max_requests)[ \t]*=/m;

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const own = OWN_KEYS.test(head);
  if (isTomlName(name)) {
    if (/^hypercorn[\w.-]*\.toml$/i.test(baseName(name)))
      return own || SETTING.test(head) ? 0.9 : 0.5;
    return own ? 0.7 : 0;
  }
  // An unnamed TOML (a paste): hypercorn's own keys, and nothing of Python around them.
  if (own && !/^[ \t]*(import|from|def|if|for)\b/m.test(head) && !/\bhypercorn\b/.test(head))
    return 0.6;
  if (!/\bhypercorn\b/.test(head)) return 0;
  if (
    isLauncher(name, head) ||
    startsProgram(head, /^hypercorn$/) ||
    /\bpython[\d.]*[ \t"',]+-m[ \t"',]+hypercorn\b/.test(head)
  ) {
    const launch = findLaunches(name, head);
    if (launch.launches.some((l) => findProgram(l.words, isHypercornProgram) >= 0)) return 0.75;
  }
  return 0;
}

export const handler: FormatHandler<HypercornTree> = {
  kind: 'hypercorn',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseHypercorn,
};

export { parseHypercorn, isHypercornProgram, type HypercornTree } from './parse.ts';
export { hypercornRuns, hypercornDefaults, type HypercornRun } from './effective.ts';
export { setHypercornSetting } from './edit.ts';
