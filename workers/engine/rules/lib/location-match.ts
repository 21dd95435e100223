/**
 * Which server block and location nginx picks for a request, so a rule can read the settings
 * in effect for the path a log line names (client_max_body_size for "/upload", the
 * *_buffer_size of the location that proxied "/api/report").
 *
 * Server selection follows ngx_http_find_virtual_server: among the servers listening on the
 * request's port (when the Host header carries one), an exact server_name, then the longest
 * leading wildcard (`*.example.com`, `.example.com`), then the longest trailing wildcard
 * (`www.example.*`), then the first matching regex in config order, else the port's
 * default_server, else the first server. Location selection follows
 * ngx_http_core_find_location: `=` exact match stops the search; otherwise the longest prefix
 * is remembered, its nested locations are searched the same way, and unless that prefix is
 * `^~` the regex locations of the level are tried in order (the first match wins, and its own
 * nested locations are searched); no regex match leaves the longest prefix.
 */
import type { ConfigNode, LocationInfo, NginxConfig } from '../../formats/nginx/index.ts';

export interface MatchOptions {
  /** The port the request came in on, when known from elsewhere than the Host header. */
  port?: number;
}

/** A server block (null node: a pasted snippet whose locations sit at its top level). */
export interface ServerCandidate {
  node: ConfigNode | null;
  names: string[];
  listens: { port: number | null; isDefault: boolean }[];
  /** A server-level `return` answers before any location (a typical http → https redirect). */
  returns: boolean;
}

/**
 * The location nginx would use for `path` on `host` (the Host header, possibly with a port),
 * or null when the config has no server or no location of the chosen server matches (the
 * request is then served by the server level itself: see `matchServer`).
 */
export function matchLocation(
  config: NginxConfig,
  host: string | null,
  path: string,
  options: MatchOptions = {},
): LocationInfo | null {
  const server = matchServer(config, host, options);
  if (!server) return null;
  const { byNode, topOf } = indexOf(config);
  return findLevel(topOf.get(server.node) ?? [], normalisePath(path), byNode).location;
}

interface LocationIndex {
  byNode: Map<ConfigNode, LocationInfo>;
  /** The path-matchable locations directly inside each server (null: a loose snippet). */
  topOf: Map<ConfigNode | null, LocationInfo[]>;
  servers: ServerCandidate[];
  /** Exact server names → the servers that carry them, in config order. */
  exact: Map<string, ServerCandidate[]>;
}

/** Per-config indexes, built once: rules ask for one location per log line (thousands). */
const indexes = new WeakMap<NginxConfig, LocationIndex>();

function indexOf(config: NginxConfig): LocationIndex {
  let index = indexes.get(config);
  if (!index) {
    const all = config.locations();
    const topOf = new Map<ConfigNode | null, LocationInfo[]>();
    for (const l of all) {
      if (l.modifier === '@') continue;
      const parent = l.node.parent;
      if (parent !== null && parent.name !== 'server') continue;
      const list = topOf.get(parent) ?? [];
      list.push(l);
      topOf.set(parent, list);
    }
    const servers = buildServers(config);
    const exact = new Map<string, ServerCandidate[]>();
    for (const s of servers)
      for (const n of new Set(s.names)) exact.set(n, [...(exact.get(n) ?? []), s]);
    index = { byNode: new Map(all.map((l) => [l.node, l])), topOf, servers, exact };
    indexes.set(config, index);
  }
  return index;
}

/** The server block nginx would pick for `host`, or null when the config has none. */
export function matchServer(
  config: NginxConfig,
  host: string | null,
  options: MatchOptions = {},
): ServerCandidate | null {
  const servers = indexOf(config).servers;
  if (servers.length === 0) return null;
  const { name, port: hostPort } = splitHost(host);
  const port = options.port ?? hostPort;
  const onPort = port === null ? [] : servers.filter((s) => s.listens.some((l) => l.port === port));
  const pool = onPort.length > 0 ? onPort : servers;
  const portKnown = onPort.length > 0;

  if (name !== null) {
    // Exact names first through the index (most lookups), in config order like nginx.
    const exact = indexOf(config)
      .exact.get(name)
      ?.filter((s) => pool.includes(s));
    const named = exact?.length ? exact : byName(pool, name);
    if (named.length > 0) return prefer(named, portKnown);
  }
  const defaults = pool.filter((s) =>
    s.listens.some((l) => l.isDefault && (!portKnown || l.port === port)),
  );
  if (defaults.length > 0) return prefer(defaults, portKnown);
  return prefer(pool, portKnown);
}

/**
 * With the port unknown, several servers can claim the same name (the port-80 redirect and
 * the 443 one that does the work): a server-level `return` answers before a body is read or
 * a location runs, so the server that does not return is the one the log line came from.
 */
function prefer(servers: ServerCandidate[], portKnown: boolean): ServerCandidate {
  if (!portKnown) {
    const working = servers.find((s) => !s.returns);
    if (working) return working;
  }
  return servers[0]!;
}

export function serverCandidates(config: NginxConfig): ServerCandidate[] {
  return indexOf(config).servers;
}

function buildServers(config: NginxConfig): ServerCandidate[] {
  const out: ServerCandidate[] = [];
  for (const node of config.nodes()) {
    // http servers only: stream and mail have no locations, upstream `server` has no block.
    if (node.name !== 'server' || !node.directive.block || node.context !== 'http') continue;
    out.push({
      node,
      names: node.children
        .filter((c) => c.name === 'server_name')
        .flatMap((c) => c.args.map((a) => a.toLowerCase())),
      listens: node.children.filter((c) => c.name === 'listen').map(parseListen),
      returns: node.children.some((c) => c.name === 'return'),
    });
  }
  // A snippet written for the server context: its top-level locations form one server.
  const loose = config.locations().some((l) => l.node.parent === null);
  if (loose) out.push({ node: null, names: [], listens: [], returns: false });
  for (const s of out) if (s.listens.length === 0) s.listens.push({ port: 80, isDefault: false });
  return out;
}

function parseListen(node: ConfigNode): { port: number | null; isDefault: boolean } {
  const address = node.args[0] ?? '';
  const isDefault = node.args.slice(1).some((a) => a === 'default_server' || a === 'default');
  if (/^unix:/i.test(address)) return { port: null, isDefault };
  const m = /(?:^|:)(\d+)$/.exec(address);
  return { port: m ? Number(m[1]) : 80, isDefault };
}

/** `Example.COM:8080.` → name `example.com`, port 8080; `[::1]:80` → `[::1]`, 80. */
function splitHost(host: string | null): { name: string | null; port: number | null } {
  if (host === null) return { name: null, port: null };
  let h = host.trim().toLowerCase();
  let port: number | null = null;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(h);
  if (m) {
    h = m[1]!;
    if (m[2]) port = Number(m[2]);
  }
  h = h.replace(/\.$/, '');
  return { name: h, port };
}

/** The servers whose server_name matches best, by nginx's order of name kinds. */
function byName(servers: ServerCandidate[], name: string): ServerCandidate[] {
  const exact = servers.filter((s) => s.names.includes(name));
  if (exact.length > 0) return exact;
  const best = (score: (n: string) => number): ServerCandidate[] => {
    let top = 0;
    let winners: ServerCandidate[] = [];
    for (const s of servers) {
      let n = 0;
      for (const written of s.names) n = Math.max(n, score(written));
      if (n > top) {
        top = n;
        winners = [s];
      } else if (n === top && n > 0) winners.push(s);
    }
    return winners;
  };
  const leading = best((n) => {
    if (n.charCodeAt(0) === 42 /* * */ && n.charCodeAt(1) === 46 /* . */)
      return name.endsWith(n.slice(1)) ? n.length - 1 : 0;
    if (n.charCodeAt(0) === 46 && n.length > 1)
      return name.endsWith(n) || name === n.slice(1) ? n.length : 0;
    return 0;
  });
  if (leading.length > 0) return leading;
  const trailing = best((n) =>
    n.endsWith('.*') && !n.startsWith('~') && name.startsWith(n.slice(0, -1)) ? n.length - 1 : 0,
  );
  if (trailing.length > 0) return trailing;
  for (const s of servers) {
    for (const n of s.names) {
      if (!n.startsWith('~')) continue;
      if (compileRegex(n.slice(1), false)?.test(name)) return [s];
    }
  }
  return [];
}

/** nginx matches locations against the decoded URI without its query, slashes merged. */
function normalisePath(path: string): string {
  let p = path.split('?')[0]!.split('#')[0]!;
  try {
    p = decodeURIComponent(p);
  } catch {
    // A malformed escape: nginx would answer 400; compare the raw text.
  }
  p = p.replace(/\/{2,}/g, '/');
  return p.startsWith('/') ? p : '/' + p;
}

/**
 * One level of ngx_http_core_find_location (the locations directly inside one block).
 * `final` is nginx's NGX_OK: an exact or regex match, which ends the search at every outer
 * level too; a prefix match (final false) still lets the outer level's regexes win.
 */
function findLevel(
  level: readonly LocationInfo[],
  path: string,
  byNode: Map<ConfigNode, LocationInfo>,
): { location: LocationInfo | null; final: boolean } {
  const exact = level.find((l) => l.modifier === '=' && l.path === path);
  if (exact) return { location: exact, final: true };
  let prefix: LocationInfo | null = null;
  for (const l of level) {
    if (l.modifier !== '' && l.modifier !== '^~') continue;
    if (path.startsWith(l.path) && (!prefix || l.path.length > prefix.path.length)) prefix = l;
  }
  let location = prefix;
  if (prefix) {
    const nested = findLevel(nestedOf(prefix, byNode), path, byNode);
    if (nested.final) return nested;
    location = nested.location ?? prefix;
  }
  if (prefix?.modifier !== '^~') {
    for (const l of level) {
      if (l.modifier !== '~' && l.modifier !== '~*') continue;
      if (!regexOf(l)?.test(path)) continue;
      const nested = findLevel(nestedOf(l, byNode), path, byNode);
      return { location: nested.location ?? l, final: true };
    }
  }
  return { location, final: false };
}

function nestedOf(parent: LocationInfo, byNode: Map<ConfigNode, LocationInfo>): LocationInfo[] {
  return parent.node.children
    .map((c) => byNode.get(c))
    .filter((l): l is LocationInfo => l !== undefined && l.modifier !== '@');
}

const regexCache = new Map<string, RegExp | null>();
const locationRegex = new WeakMap<LocationInfo, RegExp | null>();

function regexOf(l: LocationInfo): RegExp | null {
  let re = locationRegex.get(l);
  if (re === undefined) {
    re = compileRegex(l.path, l.modifier === '~*');
    locationRegex.set(l, re);
  }
  return re;
}

/**
 * A PCRE location or server_name regex as a JS RegExp: `(?P<name>` becomes `(?<name>` and a
 * leading `(?i)` becomes the i flag. What JS still cannot compile (other inline flags,
 * PCRE-only constructs) matches nothing rather than throwing.
 */
export function compileRegex(source: string, caseless: boolean): RegExp | null {
  const key = `${caseless ? 'i' : '-'}${source}`;
  if (regexCache.has(key)) return regexCache.get(key)!;
  // Possessive quantifiers and atomic groups only forbid backtracking; as plain greedy ones
  // they match the same paths in all but contrived cases, which is what matters here.
  let body = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?>/g, '(?:')
    .replace(/(?<!\\)([+*?}])\+/g, '$1');
  let flags = caseless ? 'i' : '';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags = 'i';
  }
  let re: RegExp | null;
  try {
    re = new RegExp(body, flags);
  } catch {
    re = null;
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(key, re);
  return re;
}
