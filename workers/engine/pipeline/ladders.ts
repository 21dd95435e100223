/**
 * Report: the timer ladder of each location whose requests failed — every timer on the path,
 * configured or default, and the elapsed time the failures ended at (rules/lib/timers.ts).
 * Only locations with failures, and at most MAX of them, so a fleet's config stays cheap.
 */
import type { LogEvent, TimerLadder } from '../model.ts';
import type { Route, Topology } from '../topology/index.ts';
import { isUpstreamFailure } from '../rules/rank.ts';
import { eventsOnRoutes } from '../rules/lib/route-events.ts';
import { failedDurations, matchTimers, pathTimers } from '../rules/lib/timers.ts';
import { appServers, type AppServer } from '../rules/lib/app-servers.ts';

const MAX = 20;

export function timerLadders(topology: Topology, events: readonly LogEvent[]): TimerLadder[] {
  const failures = events.filter(isUpstreamFailure);
  if (failures.length === 0) return [];
  const servers = appServers(topology, events);
  const out: TimerLadder[] = [];
  for (const route of topology.routes) {
    if (out.length >= MAX) break;
    const mine = eventsOnRoutes(failures, [route]);
    if (mine.length === 0) continue;
    const timers = pathTimers(topology, [route], mine, servers);
    const match = matchTimers(failedDurations(events, [route]), timers);
    out.push({
      path: route.label,
      timers,
      failed: match && {
        count: match.count,
        min: match.min,
        max: match.max,
        median: match.median,
        consistent: match.consistent,
        fired: match.fired.map((t) => timers.indexOf(t)),
      },
      logged: loggedKills(servers, route, timers),
    });
  }
  return out;
}

/**
 * Timers whose own log says they fired on this path: gunicorn's WORKER TIMEOUT and uWSGI's
 * HARAKIRI are written when the app's request limit ends a request.
 */
function loggedKills(
  servers: readonly AppServer[],
  route: Route,
  timers: TimerLadder['timers'],
): number[] {
  const out: number[] = [];
  for (const server of servers) {
    if (server.kills.length === 0 || !server.routes.includes(route)) continue;
    const i = timers.findIndex((t) => t.hop === server.label && t.setting === server.limit.setting);
    if (i >= 0) out.push(i);
  }
  return out;
}
