/**
 * Every timer on a failing request's path: nginx's connect/send/read timeouts, the app
 * server's request limits, uWSGI's HTTP router, ingress-nginx, a load balancer in front; and,
 * never matched, the idle keep-alive timers and the pod's probes and grace period — configured
 * or default, with where each value comes from. Which of them fired is timer-match.ts's.
 */
import type { LogEvent, Phase } from '../../model.ts';
import { effective, parseDuration } from '../../formats/nginx/index.ts';
import { NGINX_FAILURE_KINDS } from '../../logs/index.ts';
import type { Backend, Front, Route, Topology } from '../../topology/index.ts';
import { appLimit, READ_TIMEOUT } from './app-limit.ts';
import type { AppServer } from './app-servers.ts';
import { numberOf, sourceOf } from './app-values.ts';
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
  hypercorn: ['keep_alive_timeout', 'read_timeout'],
  apache: ['KeepAliveTimeout'],
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
  hypercorn: ['graceful_timeout'],
  apache: ['Timeout'],
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
