/**
 * The location nginx used for a logged request: the one its Host and path select, else the
 * only route to the server the line names. Rules and the timer ladder place failures with it,
 * so locations that share an upstream do not share each other's failures.
 */
import type { LogEvent } from '../../model.ts';
import type { Route, Topology } from '../../topology/index.ts';
import { matchLocation } from './location-match.ts';
import { eventsForRoute, eventsOnRoutes } from './route-events.ts';
import { NGINX_FAILURE_KINDS, parseUpstream } from '../../logs/index.ts';

export function routeOf(topology: Topology, event: LogEvent): Route | null {
  // Thousands of lines usually name a handful of Host/path/upstream triples: each placed once.
  const key = `${hostOf(event) ?? ''}\u0000${event.path ?? ''}\u0000${event.upstream ?? ''}`;
  let placed = memo.get(topology);
  if (!placed) memo.set(topology, (placed = new Map()));
  let route = placed.get(key);
  if (route === undefined) placed.set(key, (route = locate(topology, event)));
  return route;
}

const memo = new WeakMap<Topology, Map<string, Route | null>>();

/** The Host the request named, else the server name nginx logged for it. */
function hostOf(event: LogEvent): string | null {
  for (const key of ['host', 'server']) {
    const v = event.fields?.[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

function locate(topology: Topology, event: LogEvent): Route | null {
  const config = topology.nginx;
  if (!config) return null;
  if (event.path) {
    const location = matchLocation(config, hostOf(event), event.path);
    const route = location && topology.routes.find((r) => r.location.node === location.node);
    if (route) return route;
  }
  const byServer = topology.routes.filter((r) => eventsForRoute([event], r).length > 0);
  return byServer.length === 1 ? byServer[0]! : null;
}

const IP = /^\d+\.\d+\.\d+\.\d+$|^\[?[0-9a-f:]+\]?$/i;

/**
 * The events of these routes (route-events.ts: by upstream name or server address), plus,
 * where a route's target is a DNS name (a compose service, a container, a Kubernetes
 * Service), the events nginx logged with the address that name resolved to: an IP on the
 * target's port, for a request nginx routed to this very location by its Host and path.
 * (`proxy_pass http://app:8000` is logged as `upstream: "http://172.18.0.3:8000/…"`.)
 */
export function eventsOfRoutes(
  topology: Topology,
  events: readonly LogEvent[],
  routes: readonly Route[],
  kinds?: readonly string[],
): LogEvent[] {
  const direct = eventsOnRoutes(events, routes, kinds);
  const ports = new Map<Route, Set<number>>();
  for (const route of routes) {
    const named = route.targets.filter(
      (t) =>
        t.endpoint?.type === 'tcp' &&
        t.endpoint.port !== null &&
        t.endpoint.host !== 'localhost' &&
        !IP.test(t.endpoint.host),
    );
    if (named.length > 0)
      ports.set(route, new Set(named.map((t) => (t.endpoint as { port: number }).port)));
  }
  if (ports.size === 0) return direct;
  const found = new Set(direct);
  for (const e of events) {
    if (found.has(e) || !e.upstream || (kinds && !kinds.includes(e.kind))) continue;
    const parts = parseUpstream(e.upstream);
    if (!parts?.host || !IP.test(parts.host)) continue;
    const port = parts.port ?? (parts.scheme === 'https' ? 443 : 80);
    const route = routeOf(topology, e);
    if (route && ports.get(route)?.has(port)) found.add(e);
  }
  return found.size === direct.length ? direct : events.filter((e) => found.has(e));
}

/** nginx error-log failures (refused, reset, closed, timed out, …) on any of these routes. */
export function failuresOfRoutes(
  topology: Topology,
  events: readonly LogEvent[],
  routes: readonly Route[],
): LogEvent[] {
  return eventsOfRoutes(topology, events, routes).filter(
    (e) => e.source === 'nginx-error' && NGINX_FAILURE_KINDS.has(e.kind),
  );
}
