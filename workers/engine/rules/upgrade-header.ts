/**
 * upgrade-header: `proxy_set_header Connection "upgrade"` hard-coded on locations that serve
 * ordinary requests.
 *
 * The WebSocket recipe is often pasted into `location /`: then every GET and POST reaches the
 * app server with "Connection: upgrade" although the client asked for no protocol switch.
 * Servers that honour the header may treat the request as an upgrade attempt or refuse it, and
 * keep-alive no longer follows what the client asked. nginx's documented pattern computes the
 * header from the client's Upgrade header with a `map` in the http context. With an upstream
 * keepalive pool the map's empty case must be '' (send no Connection header) rather than
 * `close`, or ordinary requests stop reusing pooled connections — the semantics
 * keepalive-inert and keepalive-race read through lib/connection-header.ts, so the rules agree
 * on what the fixed line means.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import {
  insertBlock,
  setDirective,
  type Block,
  type ConfigNode,
  type NginxConfig,
  type NginxFile,
} from '../formats/nginx/index.ts';
import type { Route } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { connectionHeader, findMap, mapDefining, setsUpgrade } from './lib/connection-header.ts';
import { poolOf } from './lib/pool.ts';
import { matchLocation } from './lib/location-match.ts';
import { scopeOf } from './lib/scope.ts';

const VARIABLE = '$connection_upgrade';

/** Paths that by name serve WebSocket/streaming endpoints only: the hard-coded header is their recipe. */
const WEBSOCKET_PATH =
  /(^|[^a-z0-9])(ws|wss|websockets?|sockets?|socket\.io|sockjs|cable|hubs?|signalr|realtime|live|events|graphql-ws|subscriptions)([^a-z0-9]|$)/i;

export const upgradeHeader: Rule = {
  meta: {
    id: 'upgrade-header',
    cause: 'upgrade-header',
    severity: 'warning',
    title: 'Connection "upgrade" is sent on ordinary requests',
    docs:
      'A location that serves ordinary requests hard-codes `proxy_set_header Connection ' +
      '"upgrade"` (the WebSocket recipe), so every request reaches the app server asking for a ' +
      'protocol switch. The documented pattern is `map $http_upgrade $connection_upgrade { ' +
      "default upgrade; '' close; }` in the http context and `proxy_set_header Connection " +
      "$connection_upgrade;`; with an upstream keepalive pool the empty case maps to '' so " +
      'ordinary requests keep reusing connections. Locations whose path names a WebSocket ' +
      'endpoint (/ws, /socket.io, /cable, …) are left alone.',
    fixSafety:
      'Safe: WebSocket handshakes (which carry Upgrade) still get "Connection: upgrade"; ' +
      'ordinary requests get what nginx sends without the line (close, or nothing when the ' +
      'upstream pools connections). The map goes into the http context; when the pasted ' +
      'files have none (a server or location snippet), the fix is advice only.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    if (!config) return [];
    const version = topology.nginxVersion;
    const byLine = new Map<string, { node: ConfigNode; routes: Route[] }>();
    for (const route of topology.routes) {
      if (route.pass.directive !== 'proxy_pass') continue;
      const conn = connectionHeader(config, route.location, version);
      if (!conn.entry || conn.written.startsWith('$')) continue;
      if (
        !conn.written
          .toLowerCase()
          .split(/[\s,]+/)
          .includes('upgrade')
      )
        continue;
      const node = entryNode(conn.headers.node);
      if (!node) continue;
      const key = `${node.file}:${node.line}`;
      const group = byLine.get(key) ?? { node, routes: [] };
      group.routes.push(route);
      byLine.set(key, group);
    }
    const hits: RuleHit[] = [];
    const groups = [...byLine.values()].map((g) => ({
      ...g,
      ordinary: g.routes.filter((r) => !WEBSOCKET_PATH.test(r.location.path)),
    }));
    const served = ordinaryRequests(
      config,
      groups.flatMap((g) => g.ordinary),
      events,
    );
    for (const { node, routes, ordinary } of groups) {
      if (ordinary.length === 0) continue;
      const pooled = routes.some((r) => r.upstream && poolOf(r.upstream, version) !== null);
      const upgrade = connectionHeader(config, ordinary[0]!.location, version).headers;
      const requests = ordinary.flatMap((r) => served.get(r.location.node) ?? []);
      hits.push({
        key: `upgrade-header ${node.file} ${scopeOf(node)}`,
        message: message(node, ordinary, pooled, setsUpgrade(upgrade), requests),
        evidence: [
          ...evidence(node, ordinary),
          ...requests.slice(0, 3).map((e) => ({
            file: e.file,
            line: e.line,
            note: `an ordinary ${e.method ?? ''} request through it`.replace('  ', ' '),
          })),
        ],
        compared: compared(node, ordinary, pooled),
        explains: [],
        fix: fix(config, node, ordinary, pooled),
      });
    }
    return hits;
  },
};

/** The `proxy_set_header Connection …` node at the level whose headers are in effect. */
function entryNode(first: ConfigNode | undefined): ConfigNode | null {
  const level = first?.parent;
  const siblings = level ? level.children : first ? [first] : [];
  return (
    siblings.find(
      (c) => c.name === 'proxy_set_header' && c.args[0]?.toLowerCase() === 'connection',
    ) ?? null
  );
}

/** Access-log lines read for evidence (see ordinaryRequests). */
const SCAN_LIMIT = 10_000;

/**
 * Access-log lines (not 101 Switching Protocols) served by each of the given locations: proof
 * they carry ordinary traffic. Supporting evidence only — none of them is a failure this rule
 * explains. One pass over the log with location matching memoised by host and path; a line
 * without a Host is tried against the server names of the locations asked about. Only the
 * first SCAN_LIMIT access lines are read: evidence needs a few, and a 100k-line paste with
 * many servers would otherwise cost seconds per analysis.
 */
function ordinaryRequests(
  config: NginxConfig,
  routes: Route[],
  events: readonly LogEvent[],
): Map<ConfigNode, LogEvent[]> {
  const out = new Map<ConfigNode, LogEvent[]>(routes.map((r) => [r.location.node, []]));
  const names = [
    ...new Set(
      routes.map((r) => r.location.server.names.find((n) => n !== '_' && n !== '') ?? null),
    ),
  ];
  const memo = new Map<string, ConfigNode | null>();
  let scanned = 0;
  for (const e of events) {
    if (e.source !== 'nginx-access') continue;
    if (++scanned > SCAN_LIMIT) break;
    if (e.status === 101 || !e.path) continue;
    const path = e.path.split('?')[0]!;
    const host = typeof e.fields?.host === 'string' ? e.fields.host : null;
    for (const name of host !== null ? [host] : names) {
      const key = `${name ?? ''}\u0000${path}`;
      let node = memo.get(key);
      if (node === undefined) {
        node = matchLocation(config, name, path)?.node ?? null;
        memo.set(key, node);
      }
      const list = node ? out.get(node) : undefined;
      if (list) {
        list.push(e);
        break;
      }
    }
  }
  return out;
}

function message(
  node: ConfigNode,
  ordinary: Route[],
  pooled: boolean,
  forwardsUpgrade: boolean,
  served: LogEvent[],
): string {
  const where = ordinary
    .slice(0, 3)
    .map((r) => r.label)
    .join(', ');
  const more = ordinary.length > 3 ? ` and ${ordinary.length - 3} more` : '';
  let out =
    `${where}${more} ${ordinary.length > 1 ? 'send' : 'sends'} "Connection: ${node.args[1]}" (${node.file}:${node.line}) on every ` +
    'request, not only on WebSocket handshakes. Ordinary GETs and POSTs reach the app server ' +
    'asking for a protocol switch the client never requested; servers that honour the header ' +
    'may treat them as upgrade attempts or refuse them, and keep-alive no longer follows the client.';
  if (served.length > 0)
    out += ` The access log shows ${served.length} ordinary request(s) served there.`;
  if (!forwardsUpgrade)
    out +=
      ' No Upgrade header is forwarded either, so no WebSocket can work through it as written.';
  out += pooled
    ? " The upstream pools connections, so ordinary requests should send no Connection header ('' in the map), which keeps the pool in use."
    : ' Ordinary requests should send "Connection: close" as nginx does by default.';
  return out;
}

function evidence(node: ConfigNode, ordinary: Route[]): Evidence[] {
  return [
    { file: node.file, line: node.line, note: 'hard-coded Connection header' },
    ...ordinary.slice(0, 3).map((r) => ({
      file: r.location.file,
      line: r.location.line,
      note: `serves ordinary requests (${r.label})`,
    })),
  ];
}

function compared(node: ConfigNode, ordinary: Route[], pooled: boolean): ComparedValue[] {
  return [
    {
      hop: 'nginx',
      setting: 'proxy_set_header Connection',
      value: node.args[1] ?? '',
      source: `${node.file}:${node.line}`,
    },
    {
      hop: 'nginx',
      setting: 'location',
      value: ordinary.map((r) => r.location.path).join(', '),
      source: `${ordinary[0]!.location.file}:${ordinary[0]!.location.line}`,
    },
    {
      hop: 'nginx',
      setting: 'upstream keepalive pool',
      value: pooled ? 'yes' : 'no',
      source: pooled ? 'upstream block' : 'no pool for these locations',
    },
  ];
}

function mapText(empty: string): string {
  return `map $http_upgrade ${VARIABLE} {\n    default upgrade;\n    '' ${empty === '' ? "''" : empty};\n}`;
}

function fix(
  config: NginxConfig,
  node: ConfigNode,
  ordinary: Route[],
  pooled: boolean,
): NonNullable<RuleHit['fix']> {
  const empty = pooled ? '' : 'close';
  const change = `proxy_set_header Connection ${VARIABLE};`;
  const existing = findMap(config, VARIABLE);
  const clash = existing ? null : mapDefining(config, VARIABLE);
  const placement = existing ? null : mapPlacement(config, ordinary[0]!);
  const file = config.file(node.file)!;
  const line = setDirective(file, node.directive.parent, 'proxy_set_header', [
    'Connection',
    VARIABLE,
  ]);
  const why =
    'WebSocket handshakes still get "Connection: upgrade"; ordinary requests get ' +
    (pooled ? 'no Connection header, so the keepalive pool stays in use' : '"Connection: close"') +
    '. Trade-off: none for clients; a backend that relied on seeing "upgrade" on every request was relying on a misconfiguration.';
  if (clash || (!existing && !placement)) {
    return {
      safety: 'manual',
      description:
        (clash
          ? `${VARIABLE} is already defined by a map from another source (${clash.file}:${clash.line}); `
          : 'The pasted files have no http context to hold a map (only a server or location snippet); ') +
        `add to the http block:\n${mapText(empty)}\nand replace line ${node.file}:${node.line} with "${change}". ${why}`,
      edits: [],
    };
  }
  const edits: Edit[] = [...line];
  if (placement) {
    edits.push(
      ...insertBlock(
        placement.file,
        placement.block,
        'map',
        ['$http_upgrade', VARIABLE],
        [
          { name: 'default', args: ['upgrade'] },
          { name: "''", args: [empty] },
        ],
      ),
    );
  }
  return {
    safety: 'safe',
    description:
      (existing
        ? `Use the existing map at ${existing.file}:${existing.line}: `
        : `Add "map $http_upgrade ${VARIABLE} { default upgrade; '' ${empty === '' ? "''" : empty}; }" to the http context and `) +
      `send "${change}" instead of the hard-coded value. ${why}`,
    edits,
  };
}

/**
 * Where nginx accepts the map: the http block when one is pasted, else the top of the file
 * (read in http context, e.g. conf.d/app.conf) that holds the location. Null for snippets
 * read in server or location context: a map cannot go there.
 */
function mapPlacement(
  config: NginxConfig,
  route: Route,
): { file: NginxFile; block: Block | null } | null {
  const http = config.nodes().find((n) => n.name === 'http' && n.directive.block);
  if (http) return { file: config.file(http.file)!, block: http.directive.block! };
  let top = route.location.node;
  while (top.parent) top = top.parent;
  const root = config.roots.find((r) => r.file.name === top.file);
  if (root?.context === 'http' && top.via.length === 0) return { file: root.file, block: null };
  return null;
}
