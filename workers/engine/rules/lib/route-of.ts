/**
 * The location nginx used for a logged request: the one its Host and path select, else the
 * only route to the server the line names. Rules and the timer ladder place failures with it,
 * so locations that share an upstream do not share each other's failures.
 */
import type { LogEvent } from '../../model.ts';
import type { Route, Topology } from '../../topology/index.ts';
import { matchLocation } from './location-match.ts';
import { eventsForRoute } from './route-events.ts';

export function routeOf(topology: Topology, event: LogEvent): Route | null {
  // Thousands of lines usually name a handful of Host/path/upstream triples: each placed once.
  const key = `${String(event.fields?.host ?? '')}\u0000${event.path ?? ''}\u0000${event.upstream ?? ''}`;
  let placed = memo.get(topology);
  if (!placed) memo.set(topology, (placed = new Map()));
  let route = placed.get(key);
  if (route === undefined) placed.set(key, (route = locate(topology, event)));
  return route;
}

const memo = new WeakMap<Topology, Map<string, Route | null>>();

function locate(topology: Topology, event: LogEvent): Route | null {
  const config = topology.nginx;
  if (!config) return null;
  if (event.path) {
    const host = typeof event.fields?.host === 'string' ? event.fields.host : null;
    const location = matchLocation(config, host, event.path);
    const route = location && topology.routes.find((r) => r.location.node === location.node);
    if (route) return route;
  }
  const byServer = topology.routes.filter((r) => eventsForRoute([event], r).length > 0);
  return byServer.length === 1 ? byServer[0]! : null;
}
