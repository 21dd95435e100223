/**
 * keepalive-race: nginx reuses an idle pooled connection the app server is closing.
 *
 * nginx keeps idle upstream connections for the upstream's `keepalive_timeout` (60s by
 * default); gunicorn's threaded/async workers close theirs after `keepalive` (2 s by default),
 * Node after `keepAliveTimeout` (5 s), uvicorn after `--timeout-keep-alive` (5 s), Puma after
 * `persistent_timeout` (20 s). When nginx's limit is not below the backend's, nginx
 * sooner or later writes a request onto a connection whose FIN is already on its way: the
 * request fails with "upstream prematurely closed connection" or ECONNRESET while sending the
 * request or reading the response header. nginx retries that on a fresh connection only for
 * idempotent requests (since 1.9.13 POST, PATCH and LOCK are not retried once sent unless
 * `proxy_next_upstream non_idempotent`), so the 502s that reach clients are mostly POSTs.
 * A pool nginx cannot use (HTTP/1.0, Connection: close) is keepalive-inert's, not this rule's.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import {
  effective,
  formatDuration,
  insertDirective,
  setDirective,
  type NginxConfig,
  type UpstreamInfo,
} from '../formats/nginx/index.ts';
import type { Route, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { eventsOfRoutes } from './lib/route-of.ts';
import { connectionHeader, setsUpgrade } from './lib/connection-header.ts';
import { poolOf, type Pool } from './lib/pool.ts';
import { backendIdle, type BackendIdle } from './lib/backend-idle.ts';
import { withoutNearbyKills } from './lib/event-time.ts';
import { ingressRaceHits } from './lib/ingress-keepalive-race.ts';
import { frontRaceHits } from './lib/front-keepalive-race.ts';

/** What a closed-under-us reused connection looks like in the error log. */
const RACE_KINDS = ['premature-close', 'connection-reset', 'broken-pipe'];
const RACE_PHASES = new Set(['sending-request', 'reading-response-header']);
const NOT_RETRIED = new Set(['POST', 'PATCH', 'LOCK']);

export const keepaliveRace: Rule = {
  meta: {
    id: 'keepalive-race',
    cause: 'keepalive-race',
    severity: 'error',
    title: 'nginx reuses idle upstream connections the app server is closing',
    docs:
      "nginx keeps idle upstream connections for the upstream block's keepalive_timeout (60s " +
      'by default), but the app server closes idle keep-alive connections sooner (gunicorn ' +
      'gthread/gevent/eventlet/uvicorn-worker `keepalive`, 2 s by default; Node `keepAliveTimeout`, 5 s; ' +
      'uvicorn `--timeout-keep-alive`, 5 s (also `UVICORN_TIMEOUT_KEEP_ALIVE`, `uvicorn.run(timeout_keep_alive=…)`); ' +
      'hypercorn `keep_alive_timeout` (`--keep-alive`), 5 s, or a shorter `read_timeout`; ' +
      'Apache httpd `KeepAliveTimeout`, 5 s (unless `KeepAlive Off`); the ' +
      "uWSGI HTTP router's `http-timeout` with http-keepalive, an http11-socket's " +
      '`socket-timeout`; Puma `persistent_timeout`, 20 s). ingress-nginx pools too (`upstream-keepalive-timeout`, 60 s). A ' +
      'request written onto a ' +
      'connection the server is closing fails with "upstream prematurely closed connection" ' +
      'or "Connection reset by peer". nginx retries idempotent requests on a new connection, ' +
      'but not POST, PATCH or LOCK (since 1.9.13, unless proxy_next_upstream non_idempotent), ' +
      "so clients see 502s on those. gunicorn's sync worker closes every connection itself " +
      'and is never affected. One hop earlier the same race runs between a load balancer and ' +
      'nginx: an AWS ALB or Classic ELB keeps idle connections to nginx for its idle timeout ' +
      '(60 s by default) and nginx closes idle client connections after keepalive_timeout ' +
      '(75 s by default); when nginx closes first, the balancer answers 502 (ALB) or 504 ' +
      '(Classic ELB) with target status "-" and nginx logs nothing. A balancer that sends ' +
      'straight to the app server (an AWS Load Balancer Controller Ingress, whose idle timeout ' +
      'is `idle_timeout.timeout_seconds` in `alb.ingress.kubernetes.io/load-balancer-attributes`, ' +
      'or no nginx between; a GKE Ingress of class gce, whose Google Cloud balancer keeps idle ' +
      'connections 600 s) races the app server the same way: gunicorn gthread 2 s, uvicorn ' +
      'and Node 5 s against the ALB’s 60 s.',
    fixSafety:
      "Safe: nginx's keepalive_timeout in the upstream block is set just below the app " +
      "server's idle timeout, so nginx always closes an idle connection first. The only cost " +
      'is a new TCP connection after a quiet spell longer than that. Against a load balancer ' +
      'the hop behind it (nginx, or the app server) keeps idle connections 5 s longer than ' +
      'the balancer, so the balancer always closes first; the cost is idle sockets held longer.',
  },
  check({ topology, events }) {
    // ingress-nginx pools too: its side comes from the ConfigMap, not from an nginx config.
    // The hop in front pools too: a load balancer's connections to nginx (front-keepalive-race.ts).
    const ingress = [...ingressRaceHits(topology, events), ...frontRaceHits(topology, events)];
    const config = topology.nginx;
    if (!config) return ingress;
    const version = topology.nginxVersion;
    const usable = new Map<UpstreamInfo, Route[]>();
    const latent = new Set<Route>();
    for (const route of topology.routes) {
      if (route.pass.directive !== 'proxy_pass' || !route.upstream) continue;
      const http11 =
        effective(config, route.location, 'proxy_http_version', version).value?.[0] === '1.1';
      const conn = connectionHeader(config, route.location, version);
      if (!http11 || !conn.keepsAlive) {
        // An unusable pool is keepalive-inert's finding. When that rule will make it usable
        // (same condition as there), the race is reported now as latent: otherwise its fix
        // would be refused for "causing" this finding, and neither would be fixed.
        const inertFixes =
          route.upstream.keepalive !== null &&
          !setsUpgrade(conn.headers) &&
          (!http11 || conn.written.toLowerCase().startsWith('close'));
        if (!inertFixes) continue;
        latent.add(route);
      }
      const list = usable.get(route.upstream);
      if (list) list.push(route);
      else usable.set(route.upstream, [route]);
    }
    const hits: RuleHit[] = [];
    for (const [upstream, routes] of usable) {
      const pool = poolOf(upstream, version);
      if (!pool || (pool.canSetIdle && pool.idleSeconds === null)) continue;
      const idles = [...new Set(routes.flatMap((r) => r.backends.map((b) => b.backend)))]
        .map(backendIdle)
        .filter((b): b is BackendIdle => b !== null)
        .sort((a, b) => a.seconds - b.seconds);
      const backend = idles[0];
      if (!backend) continue;
      if (pool.idleSeconds !== null && pool.idleSeconds < backend.seconds) continue;
      // While no location can use the pool, no connection is reused: nothing to explain yet.
      const dormant = routes.every((r) => latent.has(r));
      const explains = dormant ? [] : explained(topology, events, routes);
      hits.push({
        key: `keepalive-race ${upstream.file} upstream ${upstream.name}`,
        ...(dormant
          ? { title: 'Once its pool is in use, nginx will reuse connections the app server closes' }
          : {}),
        message:
          (dormant
            ? `Latent until the pool is usable (see keepalive-inert, whose fix makes it so): `
            : '') + message(upstream, pool, backend, routes, explains, config, version),
        evidence: evidence(upstream, pool, backend, explains),
        compared: compared(pool, backend),
        explains,
        latent: dormant,
        fix: fix(config, upstream, pool, backend),
      });
    }
    return [...hits, ...ingress];
  },
};

/**
 * The failures on the pool's routes that a lost race produces: by upstream name or server
 * address, or by the address a server's DNS name resolved to (`server api:8000;` is logged as
 * `upstream: "http://172.18.0.5:8000/…"`) for requests routed to these locations.
 */
function explained(topology: Topology, events: readonly LogEvent[], routes: Route[]): LogEvent[] {
  const errors = eventsOfRoutes(topology, events, routes, RACE_KINDS).filter(
    (e) => e.phase !== undefined && RACE_PHASES.has(e.phase),
  );
  const kept = withoutNearbyKills(errors, events);
  if (errors.length > 0) return kept;
  // Access log only: a 502 on a connection taken from the cache ($upstream_connect_time 0.000).
  const responses = eventsOfRoutes(topology, events, routes, ['response']).filter(
    (e) => e.status === 502 && e.fields?.connectTimeZero === 1,
  );
  return withoutNearbyKills(responses, events);
}

/** Just below the backend's idle timeout: 2 s → 1s, 5 s → 4s, 1.5 s → 500ms. */
export function saferIdle(backendSeconds: number): string {
  return formatDuration(backendSeconds > 1 ? backendSeconds - 1 : backendSeconds / 2);
}

function message(
  upstream: UpstreamInfo,
  pool: Pool,
  backend: BackendIdle,
  routes: Route[],
  explains: LogEvent[],
  config: NginxConfig,
  version: string,
): string {
  const nginxSide =
    pool.idleSeconds === null
      ? `nginx ${version} keeps idle connections to upstream "${upstream.name}" until the server closes them (no upstream keepalive_timeout before 1.15.3)`
      : `nginx keeps idle connections to upstream "${upstream.name}" for ${pool.idleValue} (keepalive_timeout, ${pool.idleSource})`;
  const backendSide = `${backend.backend.label} closes them after ${backend.display} (${backend.setting}, ${backend.source}): ${backend.why}`;
  let out = `${nginxSide}, but ${backendSide}. A request nginx writes onto a connection the app server is closing fails.`;
  if (explains.length > 0) {
    const methods = new Map<string, number>();
    for (const e of explains) methods.set(e.method ?? '?', (methods.get(e.method ?? '?') ?? 0) + 1);
    const list = [...methods].map(([m, n]) => `${n} ${m}`).join(', ');
    out += ` ${explains.length} logged failure(s) match that (${list}).`;
  }
  const retriesPosts = routes.some((r) =>
    (effective(config, r.location, 'proxy_next_upstream', version).value ?? []).includes(
      'non_idempotent',
    ),
  );
  out += retriesPosts
    ? ' proxy_next_upstream non_idempotent makes nginx retry POSTs too, which hides the race but may repeat a request the app already received.'
    : ' nginx retries idempotent requests on a new connection, but not POST, PATCH or LOCK (since 1.9.13, without proxy_next_upstream non_idempotent): those reach the client as 502.';
  const methodsSeen = explains.filter((e) => e.method && NOT_RETRIED.has(e.method)).length;
  if (methodsSeen > 0 && methodsSeen === explains.length)
    out += ' Every failure above is such a request.';
  return out;
}

function evidence(
  upstream: UpstreamInfo,
  pool: Pool,
  backend: BackendIdle,
  explains: LogEvent[],
): Evidence[] {
  const out: Evidence[] = [
    pool.sizeLine
      ? { ...pool.sizeLine, note: `connection pool (${pool.size})` }
      : { file: upstream.file, line: upstream.line, note: `upstream block: ${pool.size}` },
  ];
  if (pool.idleLine) out.push({ ...pool.idleLine, note: 'how long nginx keeps idle connections' });
  if (backend.line)
    out.push({ ...backend.line, note: `${backend.setting}: the app server's idle timeout` });
  out.push(...backend.context);
  for (const e of explains.slice(0, 5)) out.push({ file: e.file, line: e.line });
  return out;
}

function compared(pool: Pool, backend: BackendIdle): ComparedValue[] {
  return [
    { hop: 'nginx', setting: 'upstream keepalive', value: pool.size, source: pool.sizeSource },
    {
      hop: 'nginx',
      setting: 'upstream keepalive_timeout',
      value: pool.idleValue,
      source: pool.idleSource,
    },
    {
      hop: backend.backend.kind,
      setting: backend.setting,
      value: backend.display,
      source: backend.source,
    },
  ];
}

function fix(
  config: NginxConfig,
  upstream: UpstreamInfo,
  pool: Pool,
  backend: BackendIdle,
): NonNullable<RuleHit['fix']> {
  const backendRaise =
    backend.backend.kind === 'node'
      ? "raise Node's keepAliveTimeout above nginx's and headersTimeout above that (e.g. 65000 and 66000 ms)"
      : `raise ${backend.setting} above nginx's keepalive_timeout`;
  if (!pool.canSetIdle) {
    return {
      safety: 'manual',
      description:
        `nginx before 1.15.3 has no keepalive_timeout in upstream blocks, so an idle pooled ` +
        `connection lives until ${backend.backend.label} closes it. Upgrade nginx (then set ` +
        `keepalive_timeout ${saferIdle(backend.seconds)} in upstream ${upstream.name}), or remove ` +
        `the keepalive pool.`,
      edits: [],
    };
  }
  const value = saferIdle(backend.seconds);
  const file = config.file(upstream.node.file)!;
  const block = upstream.node.directive.block!;
  const edits: Edit[] = upstream.keepaliveTimeout
    ? setDirective(file, block, 'keepalive_timeout', [value])
    : insertDirective(file, block, 'keepalive_timeout', [value], {
        ...(upstream.keepalive ? { after: upstream.keepalive.node.directive } : {}),
      });
  return {
    safety: 'safe',
    description:
      `Set keepalive_timeout ${value} in upstream ${upstream.name} (was ${pool.idleValue}), below ` +
      `the ${backend.setting} of ${backend.backend.label} (${backend.display}), so nginx drops an idle ` +
      `connection before the app server does. Trade-off: after more than ${value} without ` +
      `requests nginx opens a new connection (one handshake). The other way round is to ` +
      `${backendRaise}, which keeps more idle sockets open in the app server.`,
    edits,
  };
}
