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
  /** Name tables per listen port, built on first use ('any': every port's). */
  registries: Map<number | 'any', Registry[]>;
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
    index = {
      byNode: new Map(all.map((l) => [l.node, l])),
      topOf,
      servers: buildServers(config),
      registries: new Map(),
    };
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
    const named = byName(config, pool, port === null || !portKnown ? null : port, name);
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

/**
 * The server names of one listen port as nginx registers them (ngx_hash_add_key, checked
 * against the real nginx by tests/rules/location-match.nginx.test.ts): in config order, a name
 * already taken is ignored ("conflicting server name"). `.x.test` first claims the exact name
 * `x.test` (ignored if taken), then the wildcard `x.test`, which it shares with `*.x.test`
 * (whichever comes first); a `.x.test` refused there still keeps `x.test` from exact names.
 */
interface Registry {
  exact: Map<string, ServerCandidate>;
  /** By the domain after the wildcard (`x.test`); `dot`: `.x.test`, which matches x.test too. */
  heads: Map<string, { dot: boolean; server: ServerCandidate }>;
  /** `www.x.*`, by the prefix they need (`www.x.`). */
  tails: Map<string, ServerCandidate>;
  regexes: { source: string; server: ServerCandidate }[];
}

function register(servers: readonly ServerCandidate[]): Registry {
  const r: Registry = { exact: new Map(), heads: new Map(), tails: new Map(), regexes: [] };
  const exactTaken = new Set<string>();
  for (const server of servers) {
    for (const n of server.names) {
      if (n.startsWith('~')) {
        r.regexes.push({ source: n.slice(1), server });
      } else if (n.startsWith('*.')) {
        const domain = n.slice(2);
        if (!r.heads.has(domain)) r.heads.set(domain, { dot: false, server });
      } else if (n.startsWith('.') && n.length > 1) {
        const domain = n.slice(1);
        if (exactTaken.has(domain)) continue;
        exactTaken.add(domain);
        if (!r.heads.has(domain)) r.heads.set(domain, { dot: true, server });
      } else if (n.endsWith('.*')) {
        const prefix = n.slice(0, -1);
        if (!r.tails.has(prefix)) r.tails.set(prefix, server);
      } else if (!exactTaken.has(n)) {
        exactTaken.add(n);
        r.exact.set(n, server);
      }
    }
  }
  return r;
}

/** nginx's choice among one port's servers: exact, longest head, longest tail, first regex. */
function winner(r: Registry, name: string): ServerCandidate | null {
  const exact = r.exact.get(name);
  if (exact) return exact;
  // Longest wildcard first: try the domain after each dot, from the left.
  const self = r.heads.get(name);
  if (self?.dot) return self.server;
  for (let at = name.indexOf('.'); at >= 0; at = name.indexOf('.', at + 1)) {
    const head = r.heads.get(name.slice(at + 1));
    if (head) return head.server;
  }
  let best: string | null = null;
  for (const prefix of r.tails.keys())
    if (name.startsWith(prefix) && name.length > prefix.length)
      if (best === null || prefix.length > best.length) best = prefix;
  if (best !== null) return r.tails.get(best)!;
  for (const x of r.regexes) if (compileRegex(x.source, false)?.test(name)) return x.server;
  return null;
}

/**
 * The servers whose server_name matches best. nginx keeps one name table per listen port;
 * with the port unknown every port's winner is a candidate (in config order).
 */
function byName(
  config: NginxConfig,
  pool: readonly ServerCandidate[],
  port: number | null,
  name: string,
): ServerCandidate[] {
  const index = indexOf(config);
  const key = port ?? 'any';
  let registries = index.registries.get(key);
  if (!registries) {
    const byPort = new Map<number | null, ServerCandidate[]>();
    for (const s of pool)
      for (const l of s.listens) {
        if (port !== null && l.port !== port) continue;
        const list = byPort.get(l.port) ?? [];
        if (!list.includes(s)) list.push(s);
        byPort.set(l.port, list);
      }
    registries = [...byPort.values()].map(register);
    index.registries.set(key, registries);
  }
  const winners = new Set<ServerCandidate>();
  for (const r of registries) {
    const w = winner(r, name);
    if (w) winners.add(w);
  }
  return pool.filter((s) => winners.has(s));
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
