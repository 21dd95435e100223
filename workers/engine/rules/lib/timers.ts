/**
 * Which timer fired. Failed requests that all ended after the same time were ended by a
 * timer; this lists every timer on their path (nginx's connect/send/read timeouts, the app
 * server's request limits, uWSGI's HTTP router, ingress-nginx; and, never matched, the idle
 * keep-alive timers and the pod's probes and grace period), configured or default, with where
 * each value comes from, and matches the failures' elapsed time against them.
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
import type { LogEvent, Phase } from '../../model.ts';
import { effective, parseDuration } from '../../formats/nginx/index.ts';
import { FAILURE_STATUSES, NGINX_FAILURE_KINDS } from '../../logs/index.ts';
import type { Backend, Front, Route, Topology } from '../../topology/index.ts';
import { appLimit, READ_TIMEOUT } from './app-limit.ts';
import type { AppServer } from './app-servers.ts';
import { numberOf, sourceOf } from './app-values.ts';
import { wallSeconds } from './event-time.ts';
import { eventsOfRoutes } from './route-of.ts';
import { ingressWaits } from './waits.ts';
import { poolOf } from './pool.ts';

export interface PathTimer {
  /** For people: "nginx shop.example.com location /", "uWSGI (app.ini)". */
  hop: string;
  setting: string;
  seconds: number;
  /** "site.conf:12", "nginx 1.22 default", "uWSGI default (uWSGI 2.0.x)". */
  source: string;
  /**
   * What the timer bounds when it is not a request's run: `idle` (a keep-alive connection
   * between requests) or `pod` (a probe, the grace period of a stop). Listed so the whole path
   * is seen, never matched against how long a failed request ran.
   */
  bounds?: 'idle' | 'pod';
}

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

/**
 * Every timer on the path of these routes, shortest first. `failures` are the path's failed
 * requests (their phases pick nginx's timers); `servers` is appServers() of the same analysis
 * (both are at hand in the caller, and reading every event again per path would not scale).
 */
export function pathTimers(
  topology: Topology,
  routes: readonly Route[],
  failures: readonly LogEvent[],
  servers: readonly AppServer[],
): PathTimer[] {
  const out: PathTimer[] = [];
  const add = (t: PathTimer) => {
    if (!out.some((o) => o.hop === t.hop && o.setting === t.setting)) out.push(t);
  };
  // nginx's connect and send timers only matter to failures in those phases (or unknown ones).
  const phases = new Set(
    failures
      .filter((e) => e.source === 'nginx-error' && NGINX_FAILURE_KINDS.has(e.kind))
      .map((e) => e.phase),
  );
  const phase = (p: string) =>
    phases.size === 0 || phases.has(undefined) || phases.has(PHASE_OF[p]);
  for (const route of routes)
    for (const t of nginxTimers(topology, route)) if (phase(t.setting.split('_').at(-2)!)) add(t);
  // The app servers' request limits (php-fpm pools are known only as servers) …
  for (const server of servers) {
    if (!server.routes.some((r) => routes.includes(r))) continue;
    const { limit } = server;
    add({
      hop: server.label,
      setting: limit.setting,
      seconds: limit.seconds,
      source: sourceOf(limit.value.source),
    });
  }
  // … and every other timer of each backend on the path, whether or not it has such a limit.
  for (const backend of new Set(routes.flatMap((r) => r.backends.map((l) => l.backend))))
    backendTimers(topology, backend, add);
  // A load balancer in front ends a request that sends no data for its idle timeout (and
  // closes idle keep-alive connections to nginx after it): a timer on every path.
  for (const front of topology.fronts) for (const t of frontTimers(front)) add(t);
  // nginx's own idle timers: for its clients' keep-alive connections (the hop in front of it)
  // and for its upstream connection pools.
  for (const route of routes) {
    const client = topology.nginx
      ? effective(topology.nginx, route.location, 'keepalive_timeout', topology.nginxVersion)
      : null;
    const clientSeconds = client?.value?.[0] !== undefined ? parseDuration(client.value[0]) : null;
    if (client && clientSeconds)
      add({
        hop: `nginx ${route.label} (clients)`,
        setting: 'keepalive_timeout',
        seconds: clientSeconds,
        source:
          'file' in client.source
            ? `${client.source.file}:${client.source.line}`
            : client.source.default,
        bounds: 'idle',
      });
    const pool = route.upstream ? poolOf(route.upstream, topology.nginxVersion) : null;
    if (pool?.idleSeconds)
      add({
        hop: `nginx upstream ${route.upstream!.name}`,
        setting: 'keepalive_timeout',
        seconds: pool.idleSeconds,
        source: pool.idleSource,
        bounds: 'idle',
      });
  }
  return out.sort((a, b) => a.seconds - b.seconds);
}

/** A backend's timers besides its request limit: its others, ingress-nginx's, idle, the pod's. */
function backendTimers(topology: Topology, backend: Backend, add: (t: PathTimer) => void): void {
  for (const setting of EXTRA[backend.kind] ?? []) {
    if (setting === 'http-timeout' && !backend.listeners.some((l) => l.router)) continue;
    const value = backend.settings[setting];
    const n = numberOf(value);
    if (!value || n === null || n <= 0) continue;
    const seconds = backend.kind === 'node' ? n / 1000 : n;
    add({ hop: backend.label, setting, seconds, source: sourceOf(value.source) });
  }
  for (const w of ingressWaits(topology, backend))
    add({ hop: w.label, setting: w.directive, seconds: w.seconds, source: w.source });
  for (const setting of IDLE[backend.kind] ?? []) {
    const value = backend.settings[setting];
    const n = numberOf(value);
    if (!value || n === null || n <= 0) continue;
    const seconds = backend.kind === 'node' ? n / 1000 : n;
    add({ hop: backend.label, setting, seconds, source: sourceOf(value.source), bounds: 'idle' });
  }
  for (const t of podTimers(backend)) add(t);
}

/**
 * Every timer on a load balancer's path straight to app servers (no nginx between): the
 * balancer's idle timeout, each server's request limit and its other timers, shortest first.
 */
export function directTimers(
  topology: Topology,
  front: Front,
  backends: readonly Backend[],
): PathTimer[] {
  const out: PathTimer[] = [];
  const add = (t: PathTimer) => {
    if (!out.some((o) => o.hop === t.hop && o.setting === t.setting)) out.push(t);
  };
  for (const t of frontTimers(front)) add(t);
  for (const backend of backends) {
    const limit = appLimit(backend);
    if (limit)
      add({
        hop: backend.label,
        setting: limit.setting,
        seconds: limit.seconds,
        source: sourceOf(limit.value.source),
      });
    backendTimers(topology, backend, add);
  }
  return out.sort((a, b) => a.seconds - b.seconds);
}

/**
 * A balancer's timers: its idle timeout, which also bounds a request's wait unless it has a
 * response timeout of its own (Google Cloud: the backend service timeout, `wait`).
 */
function frontTimers(front: Front): PathTimer[] {
  const out: PathTimer[] = [];
  const idle = numberOf(front.idle);
  if (idle !== null && idle > 0)
    out.push({
      hop: front.label,
      setting: front.setting,
      seconds: idle,
      source: sourceOf(front.idle.source),
      ...(front.wait ? { bounds: 'idle' as const } : {}),
    });
  const wait = front.wait ? numberOf(front.wait.value) : null;
  if (front.wait && wait !== null && wait > 0)
    out.push({
      hop: front.label,
      setting: front.wait.setting,
      seconds: wait,
      source: sourceOf(front.wait.value.source),
    });
  return out;
}

/** The phase nginx logs when each of its timers fires. */
const PHASE_OF: Record<string, Phase> = {
  connect: 'connecting',
  send: 'sending-request',
  read: 'reading-response-header',
};

/** How long each app server keeps an idle keep-alive connection open. */
const IDLE: Partial<Record<string, readonly string[]>> = {
  gunicorn: ['keepalive'],
  node: ['keepAliveTimeout'],
  uvicorn: ['timeout_keep_alive'],
  puma: ['persistent_timeout'],
};

/**
 * The pod's timers: a liveness probe restarts a container that fails it failureThreshold times
 * periodSeconds apart; each probe waits timeoutSeconds; a stop waits the grace period.
 */
function podTimers(backend: Backend): PathTimer[] {
  const pod = backend.pod;
  if (!pod) return [];
  const hop = `${pod.workload.kind} ${pod.workload.name}`;
  const out: PathTimer[] = [];
  const grace = numberOf(pod.workload.terminationGracePeriodSeconds);
  if (grace !== null && grace > 0)
    out.push({
      hop,
      setting: 'terminationGracePeriodSeconds',
      seconds: grace,
      source: sourceOf(pod.workload.terminationGracePeriodSeconds.source),
      bounds: 'pod',
    });
  for (const [name, probe] of [
    ['livenessProbe', pod.container.livenessProbe],
    ['readinessProbe', pod.container.readinessProbe],
  ] as const) {
    if (!probe) continue;
    const period = numberOf(probe.periodSeconds);
    const failures = numberOf(probe.failureThreshold);
    const timeout = numberOf(probe.timeoutSeconds);
    if (timeout !== null && timeout > 0)
      out.push({
        hop: `${hop} / ${pod.container.name}`,
        setting: `${name}.timeoutSeconds`,
        seconds: timeout,
        source: sourceOf(probe.timeoutSeconds.source),
        bounds: 'pod',
      });
    if (period !== null && failures !== null && period * failures > 0)
      out.push({
        hop: `${hop} / ${pod.container.name}`,
        setting: `${name} (periodSeconds × failureThreshold)`,
        seconds: period * failures,
        source: sourceOf(probe.periodSeconds.source),
        bounds: 'pod',
      });
  }
  return out;
}

/** Timers besides the request limit (lib/app-limit.ts) that end a request, per app server. */
const EXTRA: Partial<Record<string, readonly string[]>> = {
  gunicorn: ['graceful_timeout'],
  uwsgi: ['harakiri', 'http-timeout', 'socket-timeout'],
  node: ['timeout', 'headersTimeout', 'requestTimeout'],
  uvicorn: ['timeout_graceful_shutdown'],
};

function nginxTimers(topology: Topology, route: Route): PathTimer[] {
  const config = topology.nginx;
  if (!config) return [];
  const prefix = READ_TIMEOUT[route.pass.directive].replace(/_read_timeout$/, '');
  return ['connect', 'send', 'read'].flatMap((phase) => {
    const directive = `${prefix}_${phase}_timeout`;
    const eff = effective(config, route.location, directive, topology.nginxVersion);
    const seconds = eff.value?.[0] !== undefined ? parseDuration(eff.value[0]) : null;
    if (seconds === null) return [];
    const s = eff.source;
    return [
      {
        hop: `nginx ${route.label}`,
        setting: directive,
        seconds,
        source: 'file' in s ? `${s.file}:${s.line}` : s.default,
      },
    ];
  });
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
