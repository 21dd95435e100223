/**
 * A process manager's own stop lines for one service (logs/process-manager.ts: systemd's
 * journal, supervisord's log, docker compose), and the nginx requests cut while that stop ran:
 * the evidence behind a managed-stop finding.
 */
import type { LogEvent } from '../../model.ts';
import type { StopPolicy } from '../../formats/gunicorn/stop-policy.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import { placedSeconds } from './event-time.ts';
import { failuresOfRoutes } from './route-of.ts';

/** What a kill of the app cuts: requests in flight, closed or reset under nginx. */
const CUT = new Set(['premature-close', 'connection-reset', 'broken-pipe']);

/** A stop longer than this is not one stop (the manager waits minutes at most). */
const LONGEST_STOP = 600;

/**
 * nginx's requests to this app server cut by a stop that ended in a kill: in-flight failures
 * logged from the stop's first line (the manager's "stopping", else the kill itself) less 1 s
 * to 2 s after the kill (same-second lines come in either order). An app that does not drain
 * on the signal (uWSGI's brutal reload) cuts them at the signal, long before the kill.
 */
export function cutAtKills(
  topology: Topology,
  backend: Backend,
  { kills, stopping }: ServiceStops,
  events: readonly LogEvent[],
): LogEvent[] {
  const at = placedSeconds(events);
  const starts = stopping.map(at).filter((t): t is number => t !== null);
  // supervisord says "waiting for … to stop" every 2 s: a stop starts at its first such line
  // after the previous kill.
  const times = kills
    .map(at)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const windows = times.map((kill, i) => {
    const previous = i > 0 ? times[i - 1]! : -Infinity;
    const from = starts.filter((s) => s > previous && s <= kill && kill - s <= LONGEST_STOP);
    return [(from.length > 0 ? Math.min(...from) : kill) - 1, kill + 2] as const;
  });
  if (windows.length === 0) return [];
  const routes = topology.routes.filter((r) => r.backends.some((l) => l.backend === backend));
  const candidates = routes.length > 0 ? failuresOfRoutes(topology, events, routes) : events;
  return candidates.filter((e) => {
    if (e.source !== 'nginx-error' || !CUT.has(e.kind) || e.phase === 'sending-to-client')
      return false;
    const t = at(e);
    return t !== null && windows.some(([from, to]) => t >= from && t <= to);
  });
}

export interface ServiceStops {
  /** The lines saying a stop ended in a kill (the wait ran out, SIGKILL, exit 137). */
  kills: LogEvent[];
  /** The lines saying a stop began. */
  stopping: LogEvent[];
}

/**
 * The manager's stop lines about this service, by the name its log gives the service, unit or
 * program. A unit pasted inside a text has no file name to match: then any systemd line, when
 * it is the only unit pasted.
 */
export function stopsOf(
  policy: StopPolicy,
  stops: readonly LogEvent[],
  alone: boolean,
): ServiceStops {
  const unnamed = policy.manager === 'systemd' && !policy.name.endsWith('.service');
  const same = serviceMatcher(policy);
  const mine = stops.filter(
    (e) =>
      e.fields?.manager === policy.manager && (unnamed ? alone : same(String(e.fields.unit ?? ''))),
  );
  return {
    kills: mine.filter((e) => e.kind === 'stop-timeout' || e.kind === 'killed'),
    stopping: mine.filter((e) => e.kind === 'stopping'),
  };
}

/** Whether a unit name in the manager's log is this service. */
function serviceMatcher(policy: StopPolicy): (unit: string) => boolean {
  const name = policy.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Containers are named <project>-<service>-<n> (v2) or <project>_<service>_<n> (v1).
  if (policy.manager === 'docker compose') {
    const re = new RegExp(`(^|[-_])${name}([-_]\\d+)?$`);
    return (unit) => re.test(unit);
  }
  // A program with numprocs runs <name>_00 …; a group writes <group>:<name>.
  if (policy.manager === 'supervisord') {
    const re = new RegExp(`(^|:)${name}(_\\d+)?$`);
    return (unit) => re.test(unit);
  }
  return (unit) => unit === policy.name;
}
