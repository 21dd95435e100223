/**
 * connect() failures nginx logged, grouped by the server it tried, and whether the pasted
 * configs explain them by an address that does not match (address-mismatch) or agree on the
 * address (so the app was simply not there: backend-down). Both rules use this one
 * classification, so a refused connection is claimed by exactly one of them.
 */
import type { LogEvent } from '../../model.ts';
import { parseUpstream } from '../../logs/index.ts';
import {
  connects,
  formatEndpoint,
  parseEndpoint,
  type Endpoint,
  type Backend,
  type Listener,
  type Route,
  type Target,
  type Topology,
} from '../../topology/index.ts';
import { addressOnRoute } from './route-events.ts';
import { eventsOfRoutes } from './route-of.ts';

export interface FailureGroup {
  /** As nginx names the server: `127.0.0.1:8000`, `[::1]:8000`, `unix:/run/app.sock`. */
  address: string;
  events: LogEvent[];
  /** Routes that pass to this address. */
  routes: Route[];
}

/** Failures of `kinds` grouped by upstream address, in log order of first appearance. */
export function failureGroups(
  topology: Topology,
  events: readonly LogEvent[],
  kinds: readonly string[],
): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const e of events) {
    if (e.source !== 'nginx-error' || !kinds.includes(e.kind)) continue;
    const address = e.upstream ? (parseUpstream(e.upstream)?.address ?? null) : null;
    const id = address ?? '(unknown upstream)';
    let group = groups.get(id);
    if (!group) {
      group = {
        address: id,
        events: [],
        routes: address ? topology.routes.filter((r) => onRoute(address, r)) : [],
      };
      groups.set(id, group);
    }
    group.events.push(e);
  }
  return [...groups.values()];
}

/** addressOnRoute, plus unix sockets inside proxy_pass URLs (see targetEndpoint). */
function onRoute(address: string, route: Route): boolean {
  if (addressOnRoute(address, route)) return true;
  const logged = parseEndpoint(address);
  if (logged?.type !== 'unix') return false;
  return route.targets.some((t) => {
    const e = targetEndpoint(t);
    return e?.type === 'unix' && e.path === logged.path;
  });
}

/** IPv4-only binds: a client connecting to ::1 finds nothing there. */
export function ipv4Only(listener: Listener): boolean {
  const e = listener.endpoint;
  return e.type === 'tcp' && (e.host === '' || /^\d+\.\d+\.\d+\.\d+$/.test(e.host));
}

/**
 * The target's endpoint, with a unix socket inside a URL read up to its closing ':'
 * (`http://unix:/run/a.sock:/x` is the socket /run/a.sock; topology's parseEndpoint keeps
 * `:/x` in the path — worked around here, reported to the topology owner).
 */
export function targetEndpoint(target: Target): Endpoint | null {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?unix:([^:]*)/i.exec(target.address.trim());
  if (m) return { type: 'unix', path: '/' + m[1]!.replace(/^\/+/, '') };
  return target.endpoint;
}

/** The address as nginx's log and a replacement name it: `unix:/run/a.sock`, `127.0.0.1:8000`. */
export function targetAddress(target: Target): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(unix:[^:]*)/i.exec(target.address.trim());
  if (m) return m[1]!;
  return target.address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]!;
}

export interface Mismatch {
  route: Route;
  target: Target;
  /**
   * 'localhost': the name resolves to ::1 too and the app listens on IPv4 only;
   * 'loopback-bind': nginx reaches the app by a container/Service name, but the app listens on
   * 127.0.0.1, which only its own container can connect to (`replacement` is then the bind);
   * 'elsewhere': another port or socket.
   */
  kind: 'localhost' | 'loopback-bind' | 'elsewhere';
  backend: Backend;
  listener: Listener;
  /** The address nginx should use instead, as nginx writes it. */
  replacement: string;
}

/**
 * Routes whose target and the pasted app server disagree: `localhost` to an IPv4-only bind, or
 * a target no listener matches while one app server (not reached by any other route) listens
 * somewhere compatible. Null-free: only unambiguous pairs are returned.
 */
export function addressMismatches(topology: Topology): Mismatch[] {
  const out: Mismatch[] = [];
  for (const route of topology.routes) {
    for (const link of route.backends) {
      const t = link.target?.endpoint;
      if (!link.target || !link.listener || t?.type !== 'tcp') continue;
      const l = link.listener.endpoint;
      if (
        link.how === 'port' &&
        l.type === 'tcp' &&
        ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(l.host)
      ) {
        out.push({
          route,
          target: link.target,
          kind: 'loopback-bind',
          backend: link.backend,
          listener: link.listener,
          replacement: l.host.includes(':') ? `[::]:${l.port}` : `0.0.0.0:${l.port}`,
        });
        continue;
      }
      if (t.host !== 'localhost' || !ipv4Only(link.listener)) continue;
      out.push({
        route,
        target: link.target,
        kind: 'localhost',
        backend: link.backend,
        listener: link.listener,
        replacement: `127.0.0.1${t.port === null ? '' : `:${t.port}`}`,
      });
    }
  }
  const linked = new Set(topology.routes.flatMap((r) => r.backends.map((b) => b.backend)));
  const orphans = topology.backends.filter((b) => b.listeners.length > 0 && !linked.has(b));
  if (orphans.length !== 1) return out;
  const backend = orphans[0]!;
  const unlinked = topology.routes.filter(
    (r) => r.backends.length === 0 && r.targets.length > 0 && r.targets.every((t) => t.endpoint),
  );
  const candidates = unlinked.flatMap((route) =>
    route.targets.flatMap((target) => {
      const endpoint = targetEndpoint(target);
      // topology missed the link (see targetEndpoint): they do match, nothing to fix.
      if (endpoint && backend.listeners.some((l) => connects(endpoint, l.endpoint))) return [];
      // https:// to a name is an outside service far more often than the app itself.
      if (
        /^https:/i.test(route.pass.target) &&
        endpoint?.type === 'tcp' &&
        /[a-z]/i.test(endpoint.host)
      )
        return [];
      const listener = backend.listeners.find((l) => near(target, l) && speaks(route, l));
      return listener ? [{ route, target, listener }] : [];
    }),
  );
  // One target per backend listener; several upstream servers or routes → ambiguous.
  const routes = new Set(candidates.map((c) => c.route.location.node));
  if (candidates.length === 0 || routes.size !== 1) return out;
  const targets = new Set(candidates.map((c) => `${c.target.file}:${c.target.line}`));
  if (targets.size !== 1) return out;
  const { route, target, listener } = candidates[0]!;
  out.push({
    route,
    target,
    kind: 'elsewhere',
    backend,
    listener,
    replacement: replacementFor(target, listener),
  });
  return out;
}

/**
 * Could this target have meant that listener? The same kind of address (unix socket or TCP),
 * and for TCP either the same host or port, or a loopback/wildcard pair on one machine.
 */
function near(target: Target, listener: Listener): boolean {
  const t = targetEndpoint(target)!;
  const l = listener.endpoint;
  if (t.type !== l.type) return t.type === 'unix' || l.type === 'unix' ? sameMachine(t, l) : false;
  if (t.type === 'unix') return true;
  if (t.type !== 'tcp' || l.type !== 'tcp') return false;
  if (t.port === l.port) return true;
  const local = (h: string) =>
    ['127.0.0.1', 'localhost', '::1', '[::1]', '', '0.0.0.0', '::', '[::]', '*'].includes(h);
  const wildcard = ['', '0.0.0.0', '::', '[::]', '*'].includes(l.host);
  // A container or Service name (docker-compose `app:5000`) and an app listening on all
  // interfaces on another port: the port is what disagrees.
  const named = !local(t.host) && !/^\d+\.\d+\.\d+\.\d+$/.test(t.host) && !t.host.startsWith('[');
  return t.host === l.host || (local(t.host) && local(l.host)) || (named && wildcard);
}

/** A unix socket on one side and a loopback TCP address on the other: one machine, two spellings. */
function sameMachine(t: NonNullable<Target['endpoint']>, l: Listener['endpoint']): boolean {
  const tcp = t.type === 'tcp' ? t : l.type === 'tcp' ? l : null;
  return tcp !== null && ['127.0.0.1', 'localhost', '', '0.0.0.0'].includes(tcp.host);
}

/** The pass must speak the listener's protocol, or it is the protocol-mismatch rule's case. */
function speaks(route: Route, listener: Listener): boolean {
  const d = route.pass.directive;
  if (d === 'proxy_pass') return listener.protocol === 'http' || listener.protocol === 'https';
  if (d === 'uwsgi_pass') return listener.protocol === 'uwsgi';
  if (d === 'fastcgi_pass') return listener.protocol === 'fastcgi';
  if (d === 'scgi_pass') return listener.protocol === 'scgi';
  return false;
}

function replacementFor(target: Target, listener: Listener): string {
  const l = listener.endpoint;
  if (l.type === 'unix') return `unix:${l.path}`;
  const t = targetEndpoint(target)!;
  const wildcard = ['', '0.0.0.0', '::', '[::]', '*'].includes(l.host);
  let host = l.host;
  if (wildcard) {
    host = t.type === 'tcp' && t.host !== 'localhost' ? t.host : '127.0.0.1';
    if (l.host === '::' || l.host === '[::]') host = t.type === 'tcp' ? t.host : '[::1]';
  }
  return formatEndpoint({ type: 'tcp', host, port: l.port });
}

/** The route target an event's address names (by endpoint), if any. */
export function targetOf(group: FailureGroup): Target | null {
  const parts = parseUpstream(group.address);
  if (!parts) return null;
  const e = parseEndpoint(parts.address, 80);
  for (const route of group.routes)
    for (const t of route.targets)
      if (t.endpoint && e && formatEndpoint(t.endpoint) === formatEndpoint(e)) return t;
  return null;
}

const EXPLAINED = ['connect-refused', 'socket-missing'];

/** The refused / missing-socket events this mismatch accounts for (also what backend-down leaves). */
export function mismatchEvents(
  topology: Topology,
  m: Mismatch,
  events: readonly LogEvent[],
): LogEvent[] {
  const t = targetEndpoint(m.target);
  // A DNS-named target is logged with the address it resolved to: same port, same location.
  const resolved =
    t?.type === 'tcp' && !/^\d+\.\d+\.\d+\.\d+$/.test(t.host) && !t.host.startsWith('[')
      ? new Set(
          eventsOfRoutes(topology, events, [m.route], EXPLAINED).filter(
            (e) => parseUpstream(e.upstream ?? '')?.port === t.port,
          ),
        )
      : new Set<LogEvent>();
  return events.filter((e) => {
    if (resolved.has(e)) return true;
    if (e.source !== 'nginx-error' || !EXPLAINED.includes(e.kind) || !e.upstream) return false;
    const parts = parseUpstream(e.upstream);
    if (!parts) return false;
    if (m.kind === 'localhost')
      return t?.type === 'tcp' && parts.address === `[::1]${t.port === null ? '' : `:${t.port}`}`;
    if (t === null) return false;
    // The failing address must be this target (not another server of the same upstream).
    const logged = parseEndpoint(parts.address, t.type === 'tcp' ? t.port : null);
    return logged !== null && formatEndpoint(logged) === formatEndpoint(t);
  });
}
