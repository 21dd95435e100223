import type { ConfigNode, NginxConfig } from './config.ts';
import { defaultSource, defaultValue, type DefaultScope } from './defaults.ts';
import { PASS_DIRECTIVES, type LocationInfo } from './query.ts';
import { ASSUMED_NGINX_VERSION } from './version.ts';

/**
 * The value a directive really has in a location, following nginx's merge rules
 * (the modules' merge_loc_conf functions):
 *
 * 1. Ordinary directives: the innermost level that sets it wins — the location, then each
 *    enclosing location, then server, then http. Position inside a level does not matter.
 * 2. Array-type directives (proxy_set_header, add_header, *_param, *_hide_header, allow/deny,
 *    error_page, access_log, …): a level inherits the outer level's entries only when it defines
 *    none of its own; one entry replaces them all. `entries` lists every entry of the winning level.
 * 3. `if` inside a location is a nested location to nginx: it inherits like one (rules 1–2).
 * 4. *_pass (the content handler) is not inherited by nested locations; it is inherited only
 *    into `if` and `limit_except` blocks of the location that sets it.
 * 5. Rewrite-module directives (return, rewrite, set, break) are never inherited: they run in
 *    the block where they are written, so only the queried block itself is looked at.
 * 6. A server-level `if` holds only rewrite directives (nginx allows nothing else there); asking
 *    it for anything else looks through to the server.
 * 7. Not set anywhere: the default of the given nginx version (defaults.ts), cited as
 *    "nginx 1.22 default"; null with "no default known" for directives the table lacks.
 */

export type EffectiveSource = { file: string; line: number } | { default: string };

export interface Effective {
  value: string[] | null;
  source: EffectiveSource;
  /** For array-type directives: every entry of the level that defines them. */
  entries?: { value: string[]; file: string; line: number }[];
  /** The node that set it (absent for defaults). */
  node?: ConfigNode;
  /** A caveat on a default ("one memory page: 4k on x86-64 Linux"). */
  note?: string;
}

/** Array-type directives, grouped where nginx stores several names in one array (allow/deny). */
const ARRAY_GROUP: Record<string, string> = {
  allow: 'access',
  deny: 'access',
};
const ARRAY = new Set([
  'proxy_set_header',
  'proxy_hide_header',
  'proxy_pass_header',
  'proxy_redirect',
  'proxy_cookie_domain',
  'proxy_cookie_path',
  'proxy_ssl_conf_command',
  'grpc_set_header',
  'grpc_hide_header',
  'grpc_pass_header',
  'fastcgi_param',
  'fastcgi_hide_header',
  'fastcgi_pass_header',
  'uwsgi_param',
  'uwsgi_hide_header',
  'uwsgi_pass_header',
  'scgi_param',
  'add_header',
  'add_trailer',
  'error_page',
  'access_log',
  'error_log',
  'allow',
  'deny',
  'set_real_ip_from',
  'sub_filter',
  'ssl_conf_command',
]);
const REWRITE = new Set(['return', 'rewrite', 'set', 'break', 'if']);
const HANDLER = new Set<string>(PASS_DIRECTIVES);

export function isArrayDirective(name: string): boolean {
  return ARRAY.has(name);
}

function matches(node: ConfigNode, name: string): boolean {
  const group = ARRAY_GROUP[name];
  return group ? ARRAY_GROUP[node.name] === group : node.name === name;
}

/** Where lookups go from `node` up: itself and each enclosing block, innermost first. */
function chain(node: ConfigNode, name: string): ConfigNode[] {
  const levels: ConfigNode[] = [node];
  if (REWRITE.has(name)) return levels;
  let prev = node;
  for (let p = node.parent; p; p = p.parent) {
    // The handler reaches only into if/limit_except of the location that sets it.
    if (HANDLER.has(name) && prev.name !== 'if' && prev.name !== 'limit_except') break;
    if (p.name === 'upstream' || p.name === 'map' || p.name === 'types') break;
    levels.push(p);
    prev = p;
  }
  return levels;
}

/**
 * Children of a block by the name they are looked up under (allow/deny share one), built once
 * per block: a server with 400 locations is asked about each of them, and filtering its
 * children every time made whole-config queries quadratic.
 */
const childIndex = new WeakMap<ConfigNode, Map<string, ConfigNode[]>>();
const SCAN_BELOW = 8;
const NONE: readonly ConfigNode[] = Object.freeze([]);

function childrenNamed(level: ConfigNode, name: string): readonly ConfigNode[] {
  const key = ARRAY_GROUP[name] ?? name;
  // A block with a few children (most locations) is cheaper to scan than to index; most
  // lookups find nothing there, and then nothing is allocated.
  if (level.children.length <= SCAN_BELOW) {
    let found: ConfigNode[] | null = null;
    for (const c of level.children)
      if ((ARRAY_GROUP[c.name] ?? c.name) === key) (found ??= []).push(c);
    return found ?? NONE;
  }
  let index = childIndex.get(level);
  if (!index) {
    index = new Map();
    for (const c of level.children) {
      const k = ARRAY_GROUP[c.name] ?? c.name;
      let list = index.get(k);
      if (!list) index.set(k, (list = []));
      list.push(c);
    }
    childIndex.set(level, index);
  }
  return index.get(key) ?? NONE;
}

/** Found at a level: the first entry, and every entry for array-type directives. */
function setAt(found: readonly ConfigNode[], name: string): Effective {
  const first = found[0] as ConfigNode;
  const out: Effective = {
    value: first.args,
    source: { file: first.file, line: first.line },
    node: first,
  };
  if (ARRAY.has(name))
    out.entries = found.map((c) => ({ value: c.args, file: c.file, line: c.line }));
  return out;
}

/**
 * Defaults, made once per name, version and scope (a fleet asks for the same few defaults
 * hundreds of thousands of times), frozen because they are shared.
 */
const defaults = new Map<string, Effective>();

function defaultOf(name: string, version: string, scope: DefaultScope, logged: boolean): Effective {
  const key = `${name} ${version} ${scope} ${logged}`;
  let out = defaults.get(key);
  if (out) return out;
  const def = defaultValue(name, version, scope);
  if (!def) out = { value: null, source: { default: `not set; no default known for ${name}` } };
  else {
    // A server known only from nginx's log: the default is what nginx does unless the config
    // nobody pasted says otherwise.
    out = {
      value: def.value,
      source: {
        default:
          defaultSource(name, version, scope) +
          (logged ? ', unless your unpasted config sets it' : ''),
      },
    };
    if (def.note) out.note = def.note;
  }
  defaults.set(key, Object.freeze(out));
  return out;
}

/**
 * The effective value of `name` at `location` (a location from config.locations(), or any
 * block node: server, http, if, limit_except) for nginx `version` (null: ASSUMED_NGINX_VERSION).
 * Top-level directives of a root snippet count as its outermost level.
 */
export function effective(
  config: NginxConfig,
  location: LocationInfo | ConfigNode,
  name: string,
  nginxVersion: string | null,
): Effective {
  const start = 'node' in location ? location.node : location;
  const version = nginxVersion ?? ASSUMED_NGINX_VERSION;
  const levels = chain(start, name);
  for (const level of levels) {
    const found = childrenNamed(level, name);
    if (found.length > 0) return setAt(found, name);
  }
  // Top-level directives of a root snippet (no enclosing block node) are its outermost level.
  const outermost = levels.at(-1) as ConfigNode;
  if (outermost.parent === null && !REWRITE.has(name) && !HANDLER.has(name)) {
    const top = config.top.filter((c) => matches(c, name) && !c.directive.block);
    if (top.length > 0) return setAt(top, name);
  }
  const scope = start.name === 'upstream' ? 'upstream' : 'http';
  const logged = levels.some((n) => n.assumed !== undefined && n.name === 'server');
  return defaultOf(name, version, scope, logged);
}
