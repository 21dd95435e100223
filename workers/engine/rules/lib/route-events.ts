/**
 * Which decoded events belong to a route (an nginx location and the servers it passes to), and
 * which app-server, kernel or Kubernetes lines were logged close in time to that route's
 * failures. Rules use these so a finding only claims events its mechanism produces on the
 * hop it is about.
 */
import type { Incident, LogEvent } from '../../model.ts';
import { parseUpstream } from '../../logs/index.ts';
import { parseEndpoint, type Endpoint, type Route } from '../../topology/index.ts';
import { eventsForUpstream } from '../match-events.ts';
import { wallSeconds } from './event-time.ts';

function sameEndpoint(a: Endpoint | null, b: Endpoint | null): boolean {
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'unix' && b.type === 'unix') return a.path === b.path;
  return a.type === 'tcp' && b.type === 'tcp' && a.host === b.host && a.port === b.port;
}

/** Does an upstream address as nginx logs it (`127.0.0.1:8000`, `unix:/x`, `shop_api`) name this route's servers? */
export function addressOnRoute(address: string, route: Route): boolean {
  const parts = parseUpstream(address);
  if (!parts) return false;
  if (route.upstream && parts.address.toLowerCase() === route.upstream.name.toLowerCase())
    return true;
  const scheme = parts.scheme ?? 'http';
  const port = scheme === 'https' ? 443 : scheme === 'http' ? 80 : null;
  const endpoint = parseEndpoint(parts.address, port);
  return route.targets.some((t) => sameEndpoint(t.endpoint, endpoint));
}

/** Events of this route's servers (by upstream group name or address), optionally of some kinds. */
export function eventsForRoute(
  events: readonly LogEvent[],
  route: Route,
  kinds?: readonly string[],
): LogEvent[] {
  if (route.upstream) return eventsForUpstream(events, route.upstream, kinds);
  return events.filter(
    (e) =>
      (!kinds || kinds.includes(e.kind)) &&
      e.upstream !== undefined &&
      addressOnRoute(e.upstream, route),
  );
}

/** Incidents on this route's servers; incidents whose lines name no server may be anyone's. */
export function incidentsForRoute(incidents: readonly Incident[], route: Route): Incident[] {
  return incidents.filter((i) => {
    const address = i.address ?? i.upstream;
    return !address || addressOnRoute(address, route);
  });
}

/**
 * Other-source events that `correlate` placed just before failures on these routes (or could
 * not place in time at all), matching `pred`. When none of the routes has an incident (no nginx
 * log pasted), every matching event counts: the app server's own log is then the only witness.
 */
export function relatedEvents(
  all: readonly LogEvent[],
  incidents: readonly Incident[],
  routes: readonly Route[],
  pred: (e: LogEvent) => boolean,
): LogEvent[] {
  const mine = new Set<Incident>();
  for (const route of routes) for (const i of incidentsForRoute(incidents, route)) mine.add(i);
  if (mine.size === 0) return all.filter(pred);
  const out = new Set<LogEvent>();
  for (const i of mine) {
    for (const r of i.related) if (pred(r.event)) out.add(r.event);
    for (const e of i.untimed ?? []) if (pred(e)) out.add(e);
  }
  // Keep log order, whatever order the incidents listed them in.
  return all.filter((e) => out.has(e));
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
