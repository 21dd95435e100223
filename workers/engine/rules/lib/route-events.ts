/**
 * Which decoded events belong to a route (an nginx location and the servers it passes to), and
 * which app-server, kernel or Kubernetes lines were logged close in time to that route's
 * failures. Rules use these so a finding only claims events its mechanism produces on the
 * hop it is about.
 */
import type { LogEvent } from '../../model.ts';
import { NGINX_FAILURE_KINDS, parseUpstream } from '../../logs/index.ts';
import { parseEndpoint, type Endpoint, type Route } from '../../topology/index.ts';
import { wallSeconds } from './event-time.ts';

function sameEndpoint(a: Endpoint | null, b: Endpoint | null): boolean {
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'unix' && b.type === 'unix') return a.path === b.path;
  return a.type === 'tcp' && b.type === 'tcp' && a.host === b.host && a.port === b.port;
}

function endpointOf(address: string): Endpoint | null {
  const parts = parseUpstream(address);
  if (!parts) return null;
  const scheme = parts.scheme ?? 'http';
  const port = scheme === 'https' ? 443 : scheme === 'http' ? 80 : null;
  return parseEndpoint(parts.address, port);
}

/** Does an upstream address as nginx logs it (`127.0.0.1:8000`, `unix:/x`, `shop_api`) name this route's servers? */
export function addressOnRoute(address: string, route: Route): boolean {
  const parts = parseUpstream(address);
  if (!parts) return false;
  if (route.upstream && parts.address.toLowerCase() === route.upstream.name.toLowerCase())
    return true;
  const endpoint = endpointOf(address);
  return route.targets.some((t) => sameEndpoint(t.endpoint, endpoint));
}

function endpointKey(e: Endpoint | null): string | null {
  if (!e) return null;
  return e.type === 'unix' ? `unix:${e.path}` : `tcp:${e.host}:${e.port ?? ''}`;
}

/** How nginx names a server in an upstream block or a log line, compared as written. */
function nameKey(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('unix:') ? 'unix:/' + a.slice(5).replace(/^\/+/, '') : `name:${a}`;
}

/** Events by every key their upstream can be looked up by, built once per event list. */
const indexes = new WeakMap<readonly LogEvent[], Map<string, LogEvent[]>>();

function indexOf(events: readonly LogEvent[]): Map<string, LogEvent[]> {
  let index = indexes.get(events);
  if (index) return index;
  index = new Map();
  const byText = new Map<string, string[]>();
  for (const e of events) {
    if (e.upstream === undefined) continue;
    let keys = byText.get(e.upstream);
    if (!keys) {
      const parts = parseUpstream(e.upstream);
      keys = parts
        ? [nameKey(parts.address), endpointKey(endpointOf(e.upstream))].filter(
            (k): k is string => k !== null,
          )
        : [];
      byText.set(e.upstream, keys);
    }
    for (const k of new Set(keys)) {
      const list = index.get(k);
      if (list) list.push(e);
      else index.set(k, [e]);
    }
  }
  indexes.set(events, index);
  return index;
}

/**
 * Events of this route's servers, optionally of some kinds: by the upstream group's name, the
 * server addresses as written, or the endpoint they denote (`10.0.0.1` is `10.0.0.1:80`).
 */
export function eventsForRoute(
  events: readonly LogEvent[],
  route: Route,
  kinds?: readonly string[],
): LogEvent[] {
  return eventsOnRoutes(events, [route], kinds);
}

/** The events of any of these routes, each once, in log order. */
export function eventsOnRoutes(
  events: readonly LogEvent[],
  routes: readonly Route[],
  kinds?: readonly string[],
): LogEvent[] {
  const index = indexOf(events);
  const keys = new Set<string>();
  for (const route of routes) {
    if (route.upstream) {
      keys.add(nameKey(route.upstream.name));
      for (const s of route.upstream.servers) keys.add(nameKey(s.address));
    }
    for (const t of route.targets) {
      const k = endpointKey(t.endpoint);
      if (k) keys.add(k);
    }
  }
  // Locations that share an upstream ask the same question: answered once per event list.
  const id = `${[...keys].sort().join('\u0000')}\u0001${kinds?.join(',') ?? '*'}`;
  let answers = memo.get(events);
  if (!answers) memo.set(events, (answers = new Map()));
  let answer = answers.get(id);
  if (!answer) {
    const found = new Set<LogEvent>();
    for (const k of keys)
      for (const e of index.get(k) ?? []) if (!kinds || kinds.includes(e.kind)) found.add(e);
    answer = found.size === 0 ? [] : events.filter((e) => found.has(e));
    answers.set(id, answer);
  }
  return [...answer];
}

const memo = new WeakMap<readonly LogEvent[], Map<string, LogEvent[]>>();

/** nginx error-log failures (refused, reset, closed, timed out, …) on any of these routes. */
export function failuresOnRoutes(
  events: readonly LogEvent[],
  routes: readonly Route[],
): LogEvent[] {
  return eventsOnRoutes(events, routes).filter(
    (e) => e.source === 'nginx-error' && NGINX_FAILURE_KINDS.has(e.kind),
  );
}

/** Up to `n` evidence lines for events, de-duplicated by file and line. */
export function eventEvidence(
  events: readonly LogEvent[],
  n: number,
  note?: string,
): { file: string; line: number; note?: string }[] {
  const seen = new Set<string>();
  const out: { file: string; line: number; note?: string }[] = [];
  for (const e of events) {
    const key = `${e.file}\u0000${e.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(note ? { file: e.file, line: e.line, note } : { file: e.file, line: e.line });
    if (out.length >= n) break;
  }
  return out;
}

/** How long before an nginx failure another event still counts as its cause (as `correlate`). */
const BEFORE = 10;
/** Same-second lines may be logged in either order. */
const AFTER = 1;

/**
 * The failures that `causes` were logged just before (10 s before to 1 s after). When no cause
 * has a usable time (dmesg uptime, kubectl rows), time cannot separate them: all are kept.
 */
export function nearInTime(failures: readonly LogEvent[], causes: readonly LogEvent[]): LogEvent[] {
  const times = causes
    .map(wallSeconds)
    .filter((t) => t !== null)
    .sort((a, b) => a - b);
  if (times.length === 0) return [...failures];
  return failures.filter((e) => {
    const t = wallSeconds(e);
    if (t === null) return false;
    // The first cause at or after t - BEFORE: is it still before t + AFTER?
    const i = firstAtLeast(times, t - BEFORE);
    return i < times.length && times[i]! <= t + AFTER;
  });
}

function firstAtLeast(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The `causes` (app-server, kernel lines) logged just before one of `failures` (10 s before to
 * 1 s after), plus those with no usable time, which cannot be placed. With no failures at all
 * (no nginx log pasted) every cause counts: the app server's own log is then the only witness.
 */
export function causesNear(causes: readonly LogEvent[], failures: readonly LogEvent[]): LogEvent[] {
  if (failures.length === 0) return [...causes];
  const times = failures
    .map(wallSeconds)
    .filter((t) => t !== null)
    .sort((a, b) => a - b);
  if (times.length === 0) return [...causes];
  return causes.filter((c) => {
    const t = wallSeconds(c);
    if (t === null) return true;
    // A failure at f is caused by c when c is in [f - BEFORE, f + AFTER]: f in [c - AFTER, c + BEFORE].
    const i = firstAtLeast(times, t - AFTER);
    return i < times.length && times[i]! <= t + BEFORE;
  });
}
