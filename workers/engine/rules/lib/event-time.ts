/**
 * Event times as wall-clock seconds, for rules that ask "did X happen just before this line".
 * Zones are ignored on purpose: nginx's error log has none, and logs pasted together come
 * from hosts on the same clock far more often than not (the correlation stage does the same).
 */
import type { LogEvent } from '../../model.ts';
import { placeSyslogTime, toInstant } from '../../logs/time.ts';

const wallCache = new WeakMap<LogEvent, number | null>();

export function wallSeconds(event: LogEvent): number | null {
  const cached = wallCache.get(event);
  if (cached !== undefined) return cached;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?/.exec(
    event.time ?? '',
  );
  const out = m
    ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000 +
      (m[7] ? Number(`0.${m[7]}`) : 0)
    : null;
  wallCache.set(event, out);
  return out;
}

/**
 * Wall seconds of events from one analysis, with year-less syslog times ("Dec 07 09:14:22", a
 * journal excerpt) placed in the year of the other lines, as the correlation stage does.
 */
export function placedSeconds(events: readonly LogEvent[]): (e: LogEvent) => number | null {
  const walls = events
    .map(wallSeconds)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const near = walls[Math.floor(walls.length / 2)];
  return (e) => {
    const own = wallSeconds(e);
    const syslog = e.fields?.syslogTime;
    if (own !== null || near === undefined || typeof syslog !== 'string') return own;
    const iso = placeSyslogTime(syslog, near);
    return iso ? (toInstant(iso)?.wall ?? null) : null;
  };
}

/** App-server, kernel and orchestrator events that end a request on their own. */
const KILLS: Record<string, readonly string[]> = {
  gunicorn: ['worker-timeout', 'worker-killed', 'worker-exit', 'shutdown'],
  uwsgi: ['harakiri', 'worker-killed', 'worker-exit', 'shutdown'],
  kernel: ['oom-kill'],
  kubernetes: ['oom-killed', 'container-killed'],
  'php-fpm': ['worker-killed'],
  'process-manager': ['stop-timeout', 'killed'],
};

/**
 * The events among `candidates` that no app-side kill (WORKER TIMEOUT, harakiri, OOM, …)
 * precedes within `window` seconds: a connection closed by a dying worker is that worker's
 * story, not an idle-connection race.
 */
export function withoutNearbyKills(
  candidates: readonly LogEvent[],
  all: readonly LogEvent[],
  window = 5,
): LogEvent[] {
  const kills = killTimes(all);
  if (kills.length === 0) return [...candidates];
  return candidates.filter((e) => {
    const t = wallSeconds(e);
    if (t === null) return true;
    // The first kill at or after t - window: a kill in [t - window, t + 1] disqualifies.
    let lo = 0;
    let hi = kills.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kills[mid]! < t - window) lo = mid + 1;
      else hi = mid;
    }
    return !(lo < kills.length && kills[lo]! <= t + 1);
  });
}

const killCache = new WeakMap<readonly LogEvent[], number[]>();

/** Sorted wall times of the kill events in a log list, computed once per list. */
function killTimes(all: readonly LogEvent[]): number[] {
  let times = killCache.get(all);
  if (!times) {
    times = all
      .filter((e) => KILLS[e.source]?.includes(e.kind))
      .map(wallSeconds)
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b);
    killCache.set(all, times);
  }
  return times;
}
