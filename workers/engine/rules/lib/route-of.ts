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
