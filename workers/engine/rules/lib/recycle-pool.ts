/**
 * Worker recycling behind an nginx connection pool: the combination that turns routine worker
 * restarts into 502s. A recycling gunicorn gthread/async worker (or uWSGI with HTTP keep-alive)
 * closes the idle keep-alive connections it holds when it exits; nginx may have just written
 * a request to one of them from its pool, and a non-idempotent request on a failed cached
 * connection is not retried. Measured in the lab (tests/lab/NOTES.md): 19–27 failures per 600
 * pooled POSTs with max_requests 40, just as many with max_requests_jitter, none with the pool
 * removed. Without a pool a recycling worker only stops accepting and nothing is lost.
 */
import type { Edit } from '../../model.ts';
import {
  effective,
  removeDirective,
  type NginxConfig,
  type UpstreamInfo,
} from '../../formats/nginx/index.ts';
import type { Backend, Route, Topology } from '../../topology/index.ts';
import { backendIdle, type BackendIdle } from './backend-idle.ts';
import { connectionHeader } from './connection-header.ts';
import { poolOf, type Pool } from './pool.ts';
import { numberOf } from './app-values.ts';

/** The settings that make a backend restart its workers on its own, when set above 0. */
const RECYCLERS: Record<Backend['kind'], string[]> = {
  gunicorn: ['max_requests'],
  uwsgi: ['max-requests', 'max-worker-lifetime', 'reload-on-rss'],
  node: [],
  puma: [],
  uvicorn: ['limit_max_requests'],
  hypercorn: ['max_requests'],
  // A child of the event or worker MPM that reaches its limit exits gracefully and closes the
  // idle keep-alive connections it holds; a prefork child serves one connection and exits when
  // that one ends, so it drops nothing nginx pooled (recyclers() leaves it out).
  apache: ['MaxConnectionsPerChild'],
};

/** The backend's active recycling settings (name and number), in their table order. */
export function recyclers(backend: Backend): { setting: string; value: number }[] {
  if (backend.kind === 'apache' && backend.settings.mpm?.value === 'prefork') return [];
  return RECYCLERS[backend.kind]
    .map((setting) => ({ setting, value: numberOf(backend.settings[setting]) }))
    .filter((r): r is { setting: string; value: number } => r.value !== null && r.value > 0);
}

export interface PooledUpstream {
  upstream: UpstreamInfo;
  pool: Pool;
  routes: Route[];
  /** How the backend keeps connections open (it must, or nothing sits in the pool). */
  idle: BackendIdle;
}

/** Upstream blocks whose pool ordinary requests to this backend really use. */
export function pooledUpstreams(topology: Topology, backend: Backend): PooledUpstream[] {
  const config = topology.nginx;
  const idle = backendIdle(backend);
  if (!config || !idle) return [];
  const version = topology.nginxVersion;
  const by = new Map<UpstreamInfo, Route[]>();
  for (const route of topology.routes) {
    if (route.pass.directive !== 'proxy_pass' || !route.upstream) continue;
    if (!route.backends.some((l) => l.backend === backend)) continue;
    const http = effective(config, route.location, 'proxy_http_version', version);
    if (http.value?.[0] !== '1.1') continue;
    if (!connectionHeader(config, route.location, version).keepsAlive) continue;
    const list = by.get(route.upstream);
    if (list) list.push(route);
    else by.set(route.upstream, [route]);
  }
  const out: PooledUpstream[] = [];
  for (const [upstream, routes] of by) {
    const pool = poolOf(upstream, version);
    if (pool) out.push({ upstream, pool, routes, idle });
  }
  return out;
}

/**
 * Edits that switch the pool off: the upstream's `keepalive` line and the `keepalive_*` lines
 * that only mean something with it. [] when the pool is nginx's default (1.29.7+), which no
 * line in the block turns on and so none removes.
 */
export function removePool(config: NginxConfig, upstream: UpstreamInfo): Edit[] {
  if (!upstream.keepalive) return [];
  const file = config.file(upstream.file);
  if (!file) return [];
  return [
    upstream.keepalive,
    upstream.keepaliveTimeout,
    upstream.keepaliveRequests,
    upstream.keepaliveTime,
  ]
    .filter((w) => w !== null)
    .flatMap((w) => (w.file === upstream.file ? removeDirective(file, w.node.directive) : []));
}
