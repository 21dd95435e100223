/**
 * Which timer fired. Failed requests that all ended after the same time were ended by a
 * timer: their elapsed times are matched against the timers on their path (timers.ts).
 *
 * Elapsed times come from the access log (`$upstream_response_time`, else `$request_time`, of
 * 502/503/504 lines; a retried request's list gives each try) and from uWSGI's HARAKIRI status
 * lines ("… since <epoch>" against the line's time). An error line's own time says nothing of
 * when its request started, and pairing it with the access line's whole-second time would be
 * too coarse for the window below: the per-try list is what tells retries apart.
 *
 * A timer fires at its value or a little after (nginx's timer starts when the request is sent;
 * app servers check theirs about once a second), so an elapsed time matches a timer from
 * 0.25 s before it to max(1.5 s, 2%) after: 60.4 s matches 60 s, 45 s matches neither 30 nor
 * 60. Durations spread wider than that window are not one timer.
 */
import type { LogEvent } from '../../model.ts';
import { FAILURE_STATUSES } from '../../logs/index.ts';
import type { Route, Topology } from '../../topology/index.ts';
import { wallSeconds } from './event-time.ts';
import { eventsOfRoutes } from './route-of.ts';
import type { PathTimer } from './timers.ts';

export interface TimerMatch {
  /** Failed requests with a known elapsed time. */
  count: number;
  min: number;
  max: number;
  median: number;
  /** All within one timer's window of each other. */
  consistent: boolean;
  /** The timers whose window holds the median (only when consistent). */
  fired: PathTimer[];
  /** The events the durations were read from. */
  events: LogEvent[];
}

type Duration = { event: LogEvent; seconds: number };

/** Per event list: every duration the logs give, and whether access lines name upstreams. */
const timed = new WeakMap<
  readonly LogEvent[],
  { access: Duration[]; named: boolean; harakiri: Duration[] }
>();

function durationsOf(events: readonly LogEvent[]) {
  let found = timed.get(events);
  if (found) return found;
  found = { access: [], named: false, harakiri: [] };
  for (const e of events) {
    if (e.source === 'nginx-access' && e.status !== undefined && FAILURE_STATUSES.has(e.status)) {
      // Access lines name their upstream only when the log_format has $upstream_addr.
      if (e.upstream !== undefined) found.named = true;
      // A retried request lists each try ("60.001, 60.002"): each is one timer's run.
      const all = e.fields?.upstreamResponseTimeAll;
      const tries =
        typeof all === 'string'
          ? all
              .split(/, | : /)
              .map(Number)
              .filter((n) => Number.isFinite(n) && n > 0)
          : [];
      const t = e.fields?.upstreamResponseTime ?? e.fields?.requestTime;
      if (tries.length > 1) for (const seconds of tries) found.access.push({ event: e, seconds });
      else if (typeof t === 'number' && t > 0) found.access.push({ event: e, seconds: t });
    } else if (
      e.source === 'uwsgi' &&
      e.kind === 'harakiri' &&
      typeof e.fields?.since === 'number'
    ) {
      const at = wallSeconds(e);
      if (at !== null && at >= e.fields.since)
        found.harakiri.push({ event: e, seconds: at - e.fields.since });
    }
  }
  timed.set(events, found);
  return found;
}

/** How long each failed request on these routes ran, where the logs say. */
export function failedDurations(
  topology: Topology,
  events: readonly LogEvent[],
  routes: readonly Route[],
): Duration[] {
  const { access, named, harakiri } = durationsOf(events);
  if (routes.length === 0 || !named) return [...access, ...harakiri];
  const mine = new Set(
    eventsOfRoutes(
      topology,
      access.map((d) => d.event),
      routes,
    ),
  );
  return [...access.filter((d) => mine.has(d.event)), ...harakiri];
}

/** The window in which an elapsed time counts as this timer firing. */
export function fires(timer: number, elapsed: number): boolean {
  return elapsed >= timer - 0.25 && elapsed <= timer + Math.max(1.5, timer * 0.02);
}

export function matchTimers(
  durations: readonly Duration[],
  timers: readonly PathTimer[],
): TimerMatch | null {
  if (durations.length === 0) return null;
  const sorted = durations.map((d) => d.seconds).sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const consistent = max - min <= Math.max(1.5, median * 0.02);
  return {
    count: sorted.length,
    min,
    max,
    median,
    consistent,
    fired: consistent ? timers.filter((t) => !t.bounds && fires(t.seconds, median)) : [],
    events: durations.map((d) => d.event),
  };
}

const s1 = (n: number) => n.toFixed(1);

/** "The 3 failed requests ended at 60.0 s (±0.1): uWSGI (app.ini) http-timeout (default 60 s) fired." */
export function timingSentence(match: TimerMatch | null): string {
  if (!match) return '';
  const n = match.count === 1 ? 'The failed request' : `The ${match.count} failed requests`;
  if (!match.consistent)
    return (
      ` ${n} ended after ${s1(match.min)}–${s1(match.max)} s: not one timer ` +
      '(each ends its requests at one time).'
    );
  const spread = Math.max(match.max - match.median, match.median - match.min);
  const within = spread < 0.1 ? Math.max(spread, 0.01).toFixed(2) : s1(spread);
  const at = `${n} ended at ${s1(match.median)} s${match.count > 1 ? ` (±${within})` : ''}`;
  if (match.fired.length === 0)
    return ` ${at}, and no timer on the path is that long: look beyond the pasted configs (a load balancer, a client timeout).`;
  return ` ${at}: ${match.fired.map(timerWords).join(', or ')} fired.`;
}

/** "uWSGI (app.ini) http-timeout (default 60 s)", "nginx … proxy_read_timeout (30 s, site.conf:7)". */
export function timerWords(t: PathTimer): string {
  const defaulted = /default/i.test(t.source);
  const seconds = s1(t.seconds).replace(/\.0$/, '');
  return `${t.hop} ${t.setting} (${defaulted ? `default ${seconds} s` : `${seconds} s, ${t.source}`})`;
}
