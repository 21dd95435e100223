import type { ConfigNode } from './config.ts';

/**
 * Questions rules ask of a whole configuration: which upstream blocks exist with which
 * keepalive settings, and which locations pass requests where.
 */

/** A directive's value where it is written. */
export interface Written {
  value: string[];
  file: string;
  line: number;
  node: ConfigNode;
}

export interface UpstreamServer {
  address: string;
  /** weight=, max_fails=, fail_timeout=, backup, down, … */
  params: string[];
  file: string;
  line: number;
}

export interface UpstreamInfo {
  name: string;
  /** 'http' or 'stream' */
  context: string;
  file: string;
  line: number;
  node: ConfigNode;
  servers: UpstreamServer[];
  /** As written in the block; null when absent (see defaults.ts for what that means per version). */
  keepalive: Written | null;
  keepaliveTimeout: Written | null;
  keepaliveRequests: Written | null;
  keepaliveTime: Written | null;
}

export type PassDirective =
  'proxy_pass' | 'uwsgi_pass' | 'fastcgi_pass' | 'grpc_pass' | 'scgi_pass';
export const PASS_DIRECTIVES: readonly PassDirective[] = [
  'proxy_pass',
  'uwsgi_pass',
  'fastcgi_pass',
  'grpc_pass',
  'scgi_pass',
];

export interface PassTarget {
  directive: PassDirective;
  /** The argument as written: `http://app/`, `unix:/run/app.sock`, `127.0.0.1:9000`. */
  target: string;
  /** The host part (an upstream name, a host name, an address) or a `unix:` path; null for variables. */
  host: string | null;
  file: string;
  line: number;
  node: ConfigNode;
}

export interface LocationInfo {
  node: ConfigNode;
  file: string;
  line: number;
  /** '' (prefix), '=', '~', '~*', '^~', or '@' for named locations. */
  modifier: string;
  path: string;
  server: { node: ConfigNode | null; names: string[]; listen: string[] };
  /** The location's own *_pass, or null (nested locations do not inherit it). */
  pass: PassTarget | null;
  /** The upstream block the pass names, if there is one. */
  upstream: UpstreamInfo | null;
}

function written(node: ConfigNode | undefined): Written | null {
  return node ? { value: node.args, file: node.file, line: node.line, node } : null;
}

export function findUpstreams(nodes: readonly ConfigNode[]): UpstreamInfo[] {
  const out: UpstreamInfo[] = [];
  for (const n of nodes) {
    if (n.name !== 'upstream' || !n.directive.block) continue;
    const kids = n.children;
    const find = (name: string): ConfigNode | undefined => kids.find((c) => c.name === name);
    out.push({
      name: n.args[0] ?? '',
      context: n.context === 'stream' ? 'stream' : 'http',
      file: n.file,
      line: n.line,
      node: n,
      servers: kids
        .filter((c) => c.name === 'server' && !c.directive.block)
        .map((c) => ({
          address: c.args[0] ?? '',
          params: c.args.slice(1),
          file: c.file,
          line: c.line,
        })),
      keepalive: written(find('keepalive')),
      keepaliveTimeout: written(find('keepalive_timeout')),
      keepaliveRequests: written(find('keepalive_requests')),
      keepaliveTime: written(find('keepalive_time')),
    });
  }
  return out;
}

/**
 * The host a *_pass argument connects to: `http://app:8000/x` → `app:8000`… minus the port when
 * looking up an upstream block (nginx matches upstream blocks by name). Variables make the
 * target dynamic: null.
 */
export function passHost(target: string): string | null {
  // `unix:///run/app.sock` is a socket spelling (uwsgi_pass, fastcgi_pass), not a scheme.
  if (/^unix:/i.test(target))
    return 'unix:/' + target.slice(5).replace(/^\/+/, '').replace(/:$/, '');
  let rest = target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (rest.startsWith('unix:')) return rest.replace(/:$/, '');
  rest = rest.split('/')[0] as string;
  if (rest.includes('$')) return null;
  return rest;
}

function upstreamName(host: string): string {
  if (host.startsWith('[')) return host;
  const i = host.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(host.slice(i + 1)) ? host.slice(0, i) : host;
}

function parseLocationArgs(args: string[]): { modifier: string; path: string } {
  const first = args[0] ?? '';
  if (args.length >= 2 && ['=', '~', '~*', '^~'].includes(first))
    return { modifier: first, path: args[1] as string };
  for (const m of ['~*', '^~', '=', '~']) {
    if (first.startsWith(m) && first.length > m.length)
      return { modifier: m, path: first.slice(m.length) };
  }
  if (first.startsWith('@')) return { modifier: '@', path: first };
  return { modifier: '', path: first };
}

function enclosing(node: ConfigNode, name: string): ConfigNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.name === name) return p;
  return null;
}

/** The *_pass directly in a location (or if/limit_except) node, or null. */
export function ownPass(node: ConfigNode): PassTarget | null {
  for (const c of node.children) {
    if ((PASS_DIRECTIVES as readonly string[]).includes(c.name) && c.args.length > 0) {
      const target = c.args[0] as string;
      return {
        directive: c.name as PassDirective,
        target,
        host: passHost(target),
        file: c.file,
        line: c.line,
        node: c,
      };
    }
  }
  return null;
}

export function findLocations(
  nodes: readonly ConfigNode[],
  upstreams: readonly UpstreamInfo[],
): LocationInfo[] {
  const out: LocationInfo[] = [];
  // Each server's names and listens, read once: a server may hold thousands of locations.
  const servers = new Map<ConfigNode | null, LocationInfo['server']>();
  const serverOf = (server: ConfigNode | null): LocationInfo['server'] => {
    let info = servers.get(server);
    if (!info) {
      info = {
        node: server,
        names: server
          ? server.children.filter((c) => c.name === 'server_name').flatMap((c) => c.args)
          : [],
        listen: server
          ? server.children.filter((c) => c.name === 'listen').map((c) => c.args.join(' '))
          : [],
      };
      servers.set(server, info);
    }
    return info;
  };
  // The http-level upstreams by name (the first of a name, as a scan would find): a fleet's
  // config has as many upstreams as locations, so no scan per location.
  const byName = new Map<string, UpstreamInfo>();
  for (const u of upstreams) if (u.context === 'http' && !byName.has(u.name)) byName.set(u.name, u);
  for (const n of nodes) {
    if (n.name !== 'location' || !n.directive.block) continue;
    const server = enclosing(n, 'server');
    const pass = ownPass(n);
    const host = pass?.host;
    const upstream =
      host && !host.startsWith('unix:') ? (byName.get(upstreamName(host)) ?? null) : null;
    out.push({
      node: n,
      file: n.file,
      line: n.line,
      ...parseLocationArgs(n.args),
      server: serverOf(server),
      pass,
      upstream,
    });
  }
  return out;
}
