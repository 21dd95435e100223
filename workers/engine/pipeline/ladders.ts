/**
 * Report: the timer ladder of each location whose requests failed — every timer on the path,
 * configured or default, and the elapsed time the failures ended at (rules/lib/timers.ts) —
 * and of each load balancer whose failures went straight to app servers (no nginx between).
 * Only locations with failures, and at most MAX of them, so a fleet's config stays cheap.
 */
import type { Finding, LogEvent, TimerLadder } from '../model.ts';
import type { Route, Topology } from '../topology/index.ts';
import { isUpstreamFailure } from '../rules/rank.ts';
import { routeOf } from '../rules/lib/route-of.ts';
import { directTimers, pathTimers } from '../rules/lib/timers.ts';
import { failedDurations, matchTimers, timerWords } from '../rules/lib/timer-match.ts';
import { directBackends } from '../rules/lib/front-targets.ts';
import { appServers, type AppServer } from '../rules/lib/app-servers.ts';

const MAX = 20;

export function timerLadders(topology: Topology, events: readonly LogEvent[]): TimerLadder[] {
  const failures = events.filter(isUpstreamFailure);
  if (failures.length === 0) return [];
  // Each failure on the location nginx used for it (by Host and path).
  const byRoute = new Map<Route, LogEvent[]>();
  for (const e of failures) {
    const route = routeOf(topology, e);
    if (route) byRoute.set(route, [...(byRoute.get(route) ?? []), e]);
  }
  const servers = appServers(topology, events);
  const out: TimerLadder[] = [];
  for (const [route, mine] of byRoute) {
    if (out.length >= MAX) break;
    const timers = pathTimers(topology, [route], mine, servers);
    const durations = failedDurations(topology, events, [route]).filter(
      (d) => d.event.source !== 'nginx-access' || routeOf(topology, d.event) === route,
    );
    const match = matchTimers(durations, timers);
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
  // A balancer sending straight to app servers: its path has no nginx location to name it.
  if (failures.some((e) => e.source === 'aws-lb'))
    for (const front of topology.fronts) {
      const direct = directBackends(topology, front);
      if (!direct || direct.length === 0 || out.length >= MAX) continue;
      out.push({
        path: `${front.label} → ${direct.map((b) => b.label).join(', ')}`,
        timers: directTimers(topology, front, direct),
        failed: null,
        logged: [],
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

/**
 * The fallback finding ("nothing in the configs explains these failures") with what the
 * ladders know: when a path's failed requests all ended as one of its timers fires, that timer
 * is the first thing to look at, even though no rule ties it to them.
 */
export function withTiming(finding: Finding, ladders: readonly TimerLadder[]): Finding {
  if (finding.cause !== 'unexplained') return finding;
  const said = ladders
    .filter((l) => l.failed?.consistent && l.failed.fired.length > 0)
    .slice(0, 2)
    .map(
      (l) =>
        ` On ${l.path} the ${l.failed!.count} failed request(s) with a logged duration ended at ` +
        `${l.failed!.median.toFixed(1)} s: ${l.failed!.fired.map((i) => timerWords(l.timers[i]!)).join(', or ')} fired there — look at it first.`,
    );
  return said.length === 0 ? finding : { ...finding, message: finding.message + said.join('') };
}
