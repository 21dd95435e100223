/**
 * The request path per nginx location: the location, what it passes to (an upstream block's
 * servers or an address written in the *_pass), and the app servers that listen there.
 */
import type {
  LocationInfo,
  NginxConfig,
  PassTarget,
  UpstreamInfo,
} from '../formats/nginx/index.ts';
import { connects, parseEndpoint, type Endpoint } from './address.ts';
import type { Backend, Listener } from './backends.ts';

export interface Target {
  /** As written in the upstream block or the *_pass. */
  address: string;
  endpoint: Endpoint | null;
  file: string;
  line: number;
}

export interface BackendLink {
  backend: Backend;
  /** The listener it was matched to; null when it is assumed (the only app server pasted). */
  listener: Listener | null;
  target: Target | null;
  how: 'socket' | 'address' | 'port' | 'only-backend';
}

export interface Route {
  /** For people: "api.example.com location /api/". */
  label: string;
  location: LocationInfo;
  pass: PassTarget;
  upstream: UpstreamInfo | null;
  targets: Target[];
  backends: BackendLink[];
}

/** The port nginx uses when a *_pass or upstream server names none. */
function defaultPort(pass: PassTarget): number | null {
  if (/^https:/i.test(pass.target)) return 443;
  if (/^(http|grpc):/i.test(pass.target)) return 80;
  return pass.directive === 'proxy_pass' ? 80 : null;
}

export function buildRoutes(config: NginxConfig, backends: readonly Backend[]): Route[] {
  const routes: Route[] = [];
  for (const location of config.locations()) {
    const pass = location.pass;
    if (!pass) continue;
    const port = defaultPort(pass);
    const targets: Target[] = location.upstream
      ? location.upstream.servers.map((s) => ({
          address: s.address,
          endpoint: parseEndpoint(s.address, port),
          file: s.file,
          line: s.line,
        }))
      : pass.host !== null
        ? [
            {
              address: pass.target,
              endpoint: parseEndpoint(pass.target, port),
              file: pass.file,
              line: pass.line,
            },
          ]
        : [];
    routes.push({
      label: routeLabel(location),
      location,
      pass,
      upstream: location.upstream,
      targets,
      backends: link(targets, backends),
    });
  }
  return routes;
}

function link(targets: readonly Target[], backends: readonly Backend[]): BackendLink[] {
  const links: BackendLink[] = [];
  for (const backend of backends) {
    for (const target of targets) {
      if (!target.endpoint) continue;
      const listener = backend.listeners.find((l) => connects(target.endpoint!, l.endpoint));
      if (listener) {
        links.push({
          backend,
          listener,
          target,
          how: connects(target.endpoint, listener.endpoint)!,
        });
        break;
      }
    }
  }
  // One app server pasted and nothing contradicts it: it is the one behind this location. A
  // listener on another port or socket does contradict it (the address-mismatch rule says so).
  if (links.length === 0 && backends.length === 1 && backends[0]!.listeners.length === 0) {
    links.push({ backend: backends[0]!, listener: null, target: null, how: 'only-backend' });
  }
  return links;
}

export function routeLabel(location: LocationInfo): string {
  const name = location.server.names.find((n) => n !== '_' && n !== '');
  // `listen 80 default_server` → "server :80"; a catch-all `server_name _` has no name to show.
  const port = location.server.listen[0]?.split(/\s+/)[0];
  const server = name ?? (port ? `server :${port.replace(/^.*:/, '')}` : 'server');
  const modifier = location.modifier && location.modifier !== '@' ? `${location.modifier} ` : '';
  // A location the inputs imply (assumed.ts) says what was assumed.
  const assumed = location.node.assumed ? ` (${location.node.assumed})` : '';
  return `${server} location ${modifier}${location.path}${assumed}`;
}
