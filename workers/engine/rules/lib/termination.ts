/**
 * Pod termination in the decoded logs, for the deploy-termination rule: the lines that say an
 * app server or its container was being stopped (gunicorn "Handling signal: term", uWSGI's
 * shutdown, Kubernetes "Killing … Stopping container", exit code 143), and the nginx failures
 * such a stop produces while it lasts.
 *
 * Liveness-probe kills are not terminations of this kind: the kubelet restarts the container
 * because it stopped answering, which is the app's story (see the decoder's `probe` field).
 */
import type { LogEvent } from '../../model.ts';
import { FAILURE_STATUSES } from '../../logs/index.ts';
import { wallSeconds } from './event-time.ts';

/** What a stopping pod does to nginx: refused or unanswered connects, cut requests. */
const STOP_FAILURES = new Set([
  'connect-refused',
  'premature-close',
  'connection-reset',
  'broken-pipe',
  'no-live-upstreams',
  'host-unreachable',
]);

/** Lines that say a server or container was asked to stop (SIGTERM or an orchestrated stop). */
export function terminationEvents(events: readonly LogEvent[]): LogEvent[] {
  return events.filter((e) => {
    switch (e.source) {
      case 'gunicorn':
        // "Handling signal: term/int/quit". A bare "Shutting down: Master" also ends a
        // failed boot ("Reason: Worker failed to boot."), which is a crash, not a stop.
        return (
          e.kind === 'shutdown' && e.fields?.signal !== undefined && e.fields.signal !== 'SIGHUP'
        );
      case 'uwsgi':
        return e.kind === 'shutdown';
      case 'kubernetes':
        return (
          (e.kind === 'container-killed' && e.fields?.probe === undefined) ||
          (e.kind === 'exit-code' && e.fields?.exitCode === 143)
        );
      default:
        return false;
    }
  });
}

/** Is this nginx line a failure that a stopping pod produces? */
export function isStopFailure(e: LogEvent): boolean {
  if (e.source === 'nginx-error') {
    if (STOP_FAILURES.has(e.kind)) return e.phase !== 'sending-to-client';
    // The pod's IP is gone and nothing answers the SYN.
    return e.kind === 'upstream-timeout' && e.phase === 'connecting';
  }
  return e.source === 'nginx-access' && e.status !== undefined && FAILURE_STATUSES.has(e.status);
}

/**
 * The stop failures logged while a termination lasted: from 1 s before a termination line
 * (same-second lines come in either order) to `seconds` after it. When no termination line
 * has a usable time (kubectl events carry relative ages), time cannot separate them: every
 * stop failure is kept, as the correlation stage does for untimed lines.
 */
export function failuresDuring(
  events: readonly LogEvent[],
  terminations: readonly LogEvent[],
  seconds: number,
): LogEvent[] {
  const failures = events.filter(isStopFailure);
  const starts = terminations
    .map(wallSeconds)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  if (starts.length === 0) return terminations.length > 0 ? failures : [];
  return failures.filter((e) => {
    const t = wallSeconds(e);
    if (t === null) return false;
    // s - 1 <= t <= s + seconds, i.e. a start s in [t - seconds, t + 1]: the first start at
    // or after t - seconds decides (binary search, so many stops × many failures stays fast).
    const i = firstAtLeast(starts, t - seconds);
    return i < starts.length && starts[i]! <= t + 1;
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
