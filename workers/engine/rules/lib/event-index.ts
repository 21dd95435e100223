/**
 * Decoded events indexed by the upstream they name, built once per event list and shared by
 * the rules that ask "which events belong to this upstream / route" for hundreds of routes:
 * scanning every event per route made a 400-location config with a 1,000-line log cost
 * seconds per analysis (and the fix stage re-analyses once per fix).
 *
 * Keys are what events are matched on: the upstream group name or the server address,
 * lower-cased, `unix:` paths with one leading slash. Access-log lines naming several servers
 * ("10.0.0.1:80, 10.0.0.2:80") are indexed under each.
 */
import type { LogEvent } from '../../model.ts';
import type { UpstreamInfo } from '../../formats/nginx/index.ts';
import { parseUpstream } from '../../logs/index.ts';
import type { Route } from '../../topology/index.ts';

export interface EventIndex {
  byAddress: Map<string, LogEvent[]>;
  /** Position of each event in the original list, to return events in log order. */
  order: Map<LogEvent, number>;
}

const cache = new WeakMap<readonly LogEvent[], EventIndex>();

export function normaliseAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('unix:') ? 'unix:/' + a.slice(5).replace(/^\/+/, '') : a;
}

export function eventIndex(events: readonly LogEvent[]): EventIndex {
  const hit = cache.get(events);
  if (hit) return hit;
  const byAddress = new Map<string, LogEvent[]>();
  const order = new Map<LogEvent, number>();
  events.forEach((event, i) => {
    order.set(event, i);
    if (!event.upstream) return;
    const names = event.upstream.split(/, | : /);
    const keys = new Set<string>();
    for (const name of names) {
      const parts = parseUpstream(name);
      if (parts) keys.add(normaliseAddress(parts.address));
    }
    for (const key of keys) {
      const list = byAddress.get(key);
      if (list) list.push(event);
      else byAddress.set(key, [event]);
    }
  });
  const index = { byAddress, order };
  cache.set(events, index);
  return index;
}

function collect(index: EventIndex, keys: Iterable<string>, kinds?: readonly string[]): LogEvent[] {
  const found = new Set<LogEvent>();
  for (const key of keys)
    for (const e of index.byAddress.get(key) ?? [])
      if (!kinds || kinds.includes(e.kind)) found.add(e);
  return [...found].sort((a, b) => index.order.get(a)! - index.order.get(b)!);
}

/** The group name and every server, with nginx's default port 80 where none is written. */
function upstreamKeys(upstream: UpstreamInfo): string[] {
  const keys = [upstream.name];
  for (const s of upstream.servers) {
    keys.push(s.address);
    if (!/^unix:/i.test(s.address) && !/:\d+$/.test(s.address) && !s.address.endsWith(']'))
      keys.push(`${s.address}:80`);
  }
  return keys.map(normaliseAddress);
}

/** Events naming the upstream group or one of its servers (as eventsForUpstream, indexed). */
export function upstreamEvents(
  events: readonly LogEvent[],
  upstream: UpstreamInfo,
  kinds?: readonly string[],
): LogEvent[] {
  return collect(eventIndex(events), upstreamKeys(upstream), kinds);
}

/** The index keys of a route's servers: its upstream block's, or the address in its *_pass. */
export function routeKeys(route: Route): string[] {
  if (route.upstream) return upstreamKeys(route.upstream);
  const keys: string[] = [];
  for (const t of route.targets) {
    keys.push(normaliseAddress(t.address));
    const e = t.endpoint;
    if (e?.type === 'tcp' && e.port !== null) keys.push(normaliseAddress(`${e.host}:${e.port}`));
    if (e?.type === 'unix') keys.push(normaliseAddress(`unix:${e.path}`));
  }
  return keys;
}

/** Events of a route's servers (as eventsForRoute, indexed). */
export function routeEvents(
  events: readonly LogEvent[],
  route: Route,
  kinds?: readonly string[],
): LogEvent[] {
  return collect(eventIndex(events), routeKeys(route), kinds);
}
