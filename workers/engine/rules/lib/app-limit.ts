/**
 * The longest an app server lets one request run before it kills or cuts it, and the nginx
 * read timeout that waits for the same request: the two numbers the app-timeout and
 * proxy-timeout rules compare. Kept in one place so the two rules agree on the margin and
 * never push a fix the other one would flag.
 */
import type { Edit, LogEvent } from '../../model.ts';
import type { EffectiveValue, GunicornTree } from '../../formats/gunicorn/index.ts';
import { setGunicornSetting } from '../../formats/gunicorn/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import { setNodeTimeouts, type NodeTree } from '../../formats/node/index.ts';
import type { ParsedFile } from '../../formats/types.ts';
import {
  effective,
  formatDuration,
  parseDuration,
  setDirective,
  type Effective,
  type PassDirective,
} from '../../formats/nginx/index.ts';
import type { Backend, Route, Topology } from '../../topology/index.ts';
import { editableFile, fromProcess, numberOf } from './app-values.ts';

export interface AppLimit {
  /** The setting as the app server names it: `timeout`, `harakiri`, `timeout` (Node, ms). */
  setting: string;
  value: EffectiveValue;
  seconds: number;
  /**
   * True when the limit ends a request that runs too long (gunicorn sync `timeout`, uWSGI
   * `harakiri`, Node `server.timeout`); false for gunicorn's heartbeat in other worker classes,
   * which fires only when a whole worker stops responding.
   */
  hard: boolean;
  /** How the app server enforces it, for messages. */
  how: string;
}

/** The app server's per-request limit, or null when it has none (0, unset, unknown). */
export function appLimit(backend: Backend): AppLimit | null {
  if (backend.kind === 'gunicorn') {
    const value = backend.settings.timeout;
    const n = numberOf(value);
    // gunicorn: 0 means "never time out".
    if (!value || n === null || n <= 0) return null;
    const wc = backend.workerClass ?? null;
    const hard = wc === 'sync';
    const how = hard
      ? 'kills a sync worker whose request runs longer than'
      : `(${wc ?? 'unknown'} worker class) kills a worker that stops answering its heartbeat for`;
    return { setting: 'timeout', value, seconds: n, hard, how };
  }
  if (backend.kind === 'uwsgi') return uwsgiLimit(backend);
  // Puma has no request timeout of its own (worker_timeout only bounds a worker's heartbeat).
  if (backend.kind !== 'node') return null;
  // Node.js: server.timeout destroys a socket idle this long (ms), which is the whole wait
  // for a handler that writes nothing until it is done. requestTimeout only bounds receiving
  // the request, so it never cuts a slow handler.
  const value = backend.settings.timeout;
  const n = numberOf(value);
  if (!value || n === null || n <= 0) return null;
  return {
    setting: 'timeout',
    value,
    seconds: n / 1000,
    hard: true,
    how: 'destroys the socket of a response silent for longer than',
  };
}

/**
 * uWSGI: `harakiri` kills a worker whose request runs too long; the HTTP router that `http =`
 * starts in front of the workers drops a request whose response is silent for `http-timeout`
 * (default 60 s). Whichever is shorter ends a slow request first.
 */
function uwsgiLimit(backend: Backend): AppLimit | null {
  const limits: AppLimit[] = [];
  const harakiri = backend.settings.harakiri;
  const h = numberOf(harakiri);
  if (harakiri && h !== null && h > 0)
    limits.push({
      setting: 'harakiri',
      value: harakiri,
      seconds: h,
      hard: true,
      how: 'kills a worker whose request runs longer than',
    });
  const router = backend.settings['http-timeout'];
  const r = numberOf(router);
  if (backend.listeners.some((l) => l.router) && router && r !== null && r > 0)
    limits.push({
      setting: 'http-timeout',
      value: router,
      seconds: r,
      hard: true,
      how: 'runs an HTTP router in front of its workers (its `http` option), which drops a request whose response takes longer than',
    });
  return limits.reduce<AppLimit | null>((a, b) => (a && a.seconds <= b.seconds ? a : b), null);
}

/** The directive that bounds how long nginx waits for the response of each *_pass module. */
export const READ_TIMEOUT: Record<PassDirective, string> = {
  proxy_pass: 'proxy_read_timeout',
  uwsgi_pass: 'uwsgi_read_timeout',
  fastcgi_pass: 'fastcgi_read_timeout',
  grpc_pass: 'grpc_read_timeout',
  scgi_pass: 'scgi_read_timeout',
};

export interface ReadTimeout {
  route: Route;
  directive: string;
  effective: Effective;
  seconds: number;
}

/** The effective read timeout of a route's location, or null when it cannot be read. */
export function readTimeout(topology: Topology, route: Route): ReadTimeout | null {
  if (!topology.nginx) return null;
  const directive = READ_TIMEOUT[route.pass.directive];
  const eff = effective(topology.nginx, route.location, directive, topology.nginxVersion);
  const seconds = eff.value?.[0] !== undefined ? parseDuration(eff.value[0]) : null;
  return seconds === null ? null : { route, directive, effective: eff, seconds };
}

/**
 * Edits that set each of these locations' read timeout to `seconds` (once per location block):
 * lowering nginx's wait under a limit further along (the app's, a load balancer's). Null when
 * one of them cannot be edited here (an Ingress, an unpasted file), so no fix is half made.
 */
export function setReadTimeouts(
  topology: Topology,
  waits: readonly { route?: Route; directive: string }[],
  seconds: number,
): Edit[] | null {
  const edits: Edit[] = [];
  const done = new Set<unknown>();
  for (const { route, directive } of waits) {
    const file = route && topology.nginx?.file(route.location.file);
    const block = route?.location.node.directive.block;
    if (!route || !file || !block) return null;
    if (done.has(block)) continue;
    done.add(block);
    const set = setDirective(file, block, directive, [formatDuration(seconds)]);
    if (set.length === 0) return null;
    edits.push(...set);
  }
  return edits;
}

/**
 * The gap kept between the two limits by both rules' fixes: the side meant to give up first
 * does so this many seconds earlier. Monotone in `seconds`, which keeps the two rules' fixes
 * from re-triggering each other.
 */
export function margin(seconds: number): number {
  return seconds > 10 ? 5 : 1;
}

/** Formats seconds as the app server writes its limit (Node: milliseconds). */
export function limitText(backend: Backend, seconds: number): string {
  return backend.kind === 'node' ? `${Math.round(seconds * 1000)} ms` : `${seconds} s`;
}

/** Edits that set the app server's limit to `seconds`; [] when no pasted file can carry it. */
export function setAppLimit(
  topology: Topology,
  backend: Backend,
  limit: AppLimit,
  seconds: number,
): Edit[] {
  const file = editableFile(topology, backend, limit.setting);
  if (!file) return [];
  if (backend.kind === 'gunicorn')
    return setGunicornSetting(file as ParsedFile<GunicornTree>, 'timeout', seconds);
  if (backend.kind === 'uwsgi')
    return setUwsgiOption(file as ParsedFile<UwsgiTree>, limit.setting, seconds);
  return setNodeTimeouts(file as ParsedFile<NodeTree>, { timeout: Math.round(seconds * 1000) });
}

/**
 * The app server's own lines saying it cut a request short: gunicorn WORKER TIMEOUT (and the
 * signal that follows it for the same worker), uWSGI HARAKIRI.
 */
export function killLines(backend: Backend, all: readonly LogEvent[]): LogEvent[] {
  const events = all.filter((e) => fromProcess(e, backend));
  if (backend.kind === 'gunicorn') {
    const timedOut = new Set(
      events
        .filter((e) => e.source === 'gunicorn' && e.kind === 'worker-timeout')
        .map((e) => e.fields?.workerPid),
    );
    return events.filter(
      (e) =>
        e.source === 'gunicorn' &&
        (e.kind === 'worker-timeout' ||
          (e.kind === 'worker-killed' &&
            e.fields?.workerPid !== undefined &&
            timedOut.has(e.fields.workerPid))),
    );
  }
  if (backend.kind === 'uwsgi')
    return events.filter((e) => e.source === 'uwsgi' && e.kind === 'harakiri');
  return [];
}
