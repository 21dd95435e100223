/**
 * retry-policy: how nginx passes a failed request to the next server, and what that costs.
 *
 * Two occurrences, each with its own key:
 * - non-idempotent retries: `proxy_next_upstream … non_idempotent` (or any nginx before 1.9.13,
 *   which retried everything) with several servers lets nginx send a POST, PATCH or LOCK that a
 *   server already received to another one: the doubled order, the charge taken twice. The
 *   events it explains are the non-idempotent requests that failed after being sent, and
 *   retries the logs prove (one request's lines naming two servers).
 * - unbounded retries: several servers and `timeout` (or http_5xx) in proxy_next_upstream with
 *   neither proxy_next_upstream_tries nor proxy_next_upstream_timeout: a slow request is tried
 *   on every server in turn, each for a full read timeout, multiplying load exactly when the
 *   backends are struggling and making the client wait servers × timeout.
 * Both fixes change which requests are retried, so both are `unsafe` (opt-in).
 * The same applies to uwsgi_/fastcgi_/grpc_/scgi_next_upstream with their *_pass.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import {
  atLeast,
  blockLabel,
  effective,
  insertDirective,
  parseVersion,
  setDirective,
  type ConfigNode,
  type Effective,
  type NginxConfig,
} from '../formats/nginx/index.ts';
import type { Route } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { whereSet, writtenLine } from './lib/nginx-source.ts';
import {
  chainIndex,
  chainsOnRoute,
  describeChains,
  retryChains,
  type RetryChain,
} from './lib/retry-chains.ts';
import { routeEvents } from './lib/event-index.ts';
import { peers, type Peers } from './lib/peers.ts';
import { scopeOf } from './lib/scope.ts';

const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK']);
/** Failures after the request was (partly) sent, which nginx passes on for `error`/`timeout`. */
const SENT_PHASES = new Set(['sending-request', 'reading-response-header']);
const SENT_KINDS = new Set([
  'premature-close',
  'connection-reset',
  'broken-pipe',
  'upstream-timeout',
  'invalid-header',
]);

export const retryPolicy: Rule = {
  meta: {
    id: 'retry-policy',
    cause: 'retry-policy',
    severity: 'warning',
    title: 'Retries to the next upstream server are unsafe or unbounded',
    docs:
      'nginx passes a request that failed on one server to the next one for the cases listed ' +
      'in proxy_next_upstream (default: error timeout). With `non_idempotent` (or before ' +
      'nginx 1.9.13) that includes POST, PATCH and LOCK requests a server already received, ' +
      'which can run them twice. Without proxy_next_upstream_tries or ' +
      'proxy_next_upstream_timeout a request that times out is tried on every server in turn, ' +
      'each for a full proxy_read_timeout: the load multiplies when backends are slow and the ' +
      'client waits servers × timeout. A hostname in proxy_pass or an upstream server line ' +
      'that resolves to several addresses counts as several servers.',
    fixSafety:
      'Unsafe (opt-in): removing `non_idempotent` turns a failed POST into a 502 the client ' +
      'sees instead of a silent retry; bounding retries to one more server within ' +
      'proxy_read_timeout stops slow requests from being retried, so a request a third server ' +
      'would have answered now fails. Both trade availability for correctness and load.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    if (!config) return [];
    const version = topology.nginxVersion;
    const chains = retryChains(events);
    const byServer = chainIndex(chains);
    const hits: RuleHit[] = [];
    const unboundedGroups = new Map<string, Unbounded[]>();
    const nonIdempotent = new Map<string, { node: ConfigNode | null; routes: Route[] }>();
    for (const route of topology.routes) {
      const module = route.pass.directive.replace(/_pass$/, '');
      const next = effective(config, route.location, `${module}_next_upstream`, version);
      const flags = next.value ?? ['error', 'timeout'];
      if (flags.includes('off')) continue;
      const servers = peers(route);
      const routeChains = chainsOnRoute(byServer, route);
      const several = servers.count >= 2 || routeChains.length > 0;

      // Non-idempotent retries, grouped by the line that allows them (or the version).
      const v = parseVersion(version);
      // non_idempotent alone retries nothing: some failure case must be listed too.
      const retries = flags.some((f) => f !== 'non_idempotent');
      const allowsPost =
        retries && (flags.includes('non_idempotent') || (v !== null && !atLeast(v, '1.9.13')));
      if (allowsPost && (several || servers.hostnames.length > 0)) {
        const key = next.node ? `${next.node.file}:${next.node.line}` : `default ${route.label}`;
        const group = nonIdempotent.get(key) ?? { node: next.node ?? null, routes: [] };
        group.routes.push(route);
        nonIdempotent.set(key, group);
      }

      // Unbounded retries of slow requests across several servers.
      const tries = effective(config, route.location, `${module}_next_upstream_tries`, version);
      const limit = effective(config, route.location, `${module}_next_upstream_timeout`, version);
      const unbounded = (e: Effective) => (e.value?.[0] ?? '0') === '0';
      const slowRetried = flags.some((f) => f === 'timeout' || /^http_50[0234]$/.test(f));
      if (servers.count >= 2 && slowRetried && unbounded(tries) && unbounded(limit)) {
        const read = effective(config, route.location, `${module}_read_timeout`, version);
        const c: Unbounded = {
          route,
          module,
          next,
          tries,
          limit,
          read,
          servers,
          chains: routeChains,
        };
        const key = groupKey(c);
        const group = unboundedGroups.get(key);
        if (group) group.push(c);
        else unboundedGroups.set(key, [c]);
      }
    }
    for (const group of unboundedGroups.values()) hits.push(unboundedHit(config, group));
    for (const { node, routes } of nonIdempotent.values())
      hits.push(nonIdempotentHit(config, node, routes, events, byServer, version));
    return hits;
  },
};

interface Unbounded {
  route: Route;
  module: string;
  next: Effective;
  tries: Effective;
  limit: Effective;
  read: Effective;
  servers: Peers;
  chains: RetryChain[];
}

/**
 * Locations of one server block that pass to the same servers with the same read timeout and
 * inherit the retry bounds from the server (or the defaults) share one finding and one fix at
 * server level; anything else is fixed in its own location.
 */
function groupKey(c: Unbounded): string {
  const server = c.route.location.server.node;
  const inherited = [c.tries, c.limit].every((e) => !e.node || e.node.parent === server);
  if (!server || !inherited) return `location ${c.route.location.file}:${c.route.location.line}`;
  const target = c.route.upstream?.name ?? c.route.pass.host ?? c.route.pass.target;
  return `server ${server.file}:${server.line} ${c.module} ${target} ${c.read.value?.[0] ?? ''}`;
}

function unboundedHit(config: NginxConfig, group: Unbounded[]): RuleHit {
  const first = group[0]!;
  const { route, module, next, tries, limit, read, servers } = first;
  const readValue = read.value?.[0] ?? '60s';
  const chains = [...new Set(group.flatMap((c) => c.chains))];
  const explains = [...new Set(chains.flatMap((c) => c.events))];
  const server = group.length > 1 ? route.location.server.node : null;
  const where = server
    ? `${group.length} locations of ${blockLabel(server.directive)} (${group
        .slice(0, 3)
        .map((c) => c.route.location.path)
        .join(', ')}${group.length > 3 ? ', …' : ''})`
    : route.label;
  let message =
    `${where} ${server ? 'pass' : 'passes'} a failed or slow request to the next of ${servers.count} servers ` +
    `(${module}_next_upstream ${(next.value ?? ['error', 'timeout']).join(' ')}, ${whereSet(next)}) ` +
    `with no bound: ${module}_next_upstream_tries ${tries.value?.[0] ?? '0'} (${whereSet(tries)}) and ` +
    `${module}_next_upstream_timeout ${limit.value?.[0] ?? '0'} (${whereSet(limit)}). A request that ` +
    `times out is tried on every server, each for ${module}_read_timeout ${readValue} ` +
    `(${whereSet(read)}): up to ${servers.count} × ${readValue} for the client, and the same slow ` +
    'request lands on every backend when they are already struggling.';
  if (chains.length > 0)
    message += ` The logs show ${chains.length} request(s) tried on several servers (${describeChains(chains)}).`;
  const triesName = `${module}_next_upstream_tries`;
  const timeoutName = `${module}_next_upstream_timeout`;
  let edits: Edit[];
  if (server) {
    const file = config.file(server.file)!;
    const block = server.directive.block!;
    edits = [
      ...setDirective(file, block, triesName, ['2']),
      ...setDirective(file, block, timeoutName, [readValue]),
    ];
  } else {
    const file = config.file(route.location.file)!;
    const block = route.location.node.directive.block!;
    edits = [
      ...setOrInsert(file, block, triesName, ['2'], route),
      ...setOrInsert(file, block, timeoutName, [readValue], route),
    ];
  }
  const target = route.upstream ? `upstream ${route.upstream.name}` : route.pass.target;
  return {
    key: server
      ? `retry-policy unbounded ${server.file} ${scopeOf(server)} > ${blockLabel(server.directive)} -> ${target}`
      : `retry-policy unbounded ${route.location.file} ${route.label}`,
    title: 'Retries to the next upstream server are unbounded',
    message,
    evidence: [
      ...group.slice(0, 3).map((c) => ({
        file: c.route.pass.file,
        line: c.route.pass.line,
        note: `proxies to ${servers.count} servers`,
      })),
      ...servers.lines.slice(0, 4),
      ...[next, tries, limit]
        .map(writtenLine)
        .filter((l): l is { file: string; line: number } => l !== null),
      ...explains.slice(0, 5).map((e) => ({ file: e.file, line: e.line })),
    ],
    compared: [
      {
        hop: 'nginx',
        setting: `${module}_next_upstream`,
        value: (next.value ?? []).join(' '),
        source: whereSet(next),
      },
      { hop: 'nginx', setting: triesName, value: tries.value?.[0] ?? '0', source: whereSet(tries) },
      {
        hop: 'nginx',
        setting: timeoutName,
        value: limit.value?.[0] ?? '0',
        source: whereSet(limit),
      },
      { hop: 'nginx', setting: `${module}_read_timeout`, value: readValue, source: whereSet(read) },
      {
        hop: 'nginx',
        setting: 'servers',
        value: String(servers.count),
        source: route.upstream
          ? `upstream ${route.upstream.name} (${route.upstream.file}:${route.upstream.line})`
          : `${route.pass.file}:${route.pass.line}`,
      },
    ],
    explains,
    fix: {
      safety: 'unsafe',
      description:
        `Add ${triesName} 2 and ${timeoutName} ${readValue} to ${server ? blockLabel(server.directive) : route.label}: ` +
        'a request that fails quickly (refused, reset) still gets one more server, but one ' +
        `that already waited ${readValue} is not sent to another server to wait again. ` +
        'Trade-off: a request a third server would have answered now fails, and a slow ' +
        'request is answered with 504 instead of being retried.',
      edits,
    },
  };
}

function nonIdempotentHit(
  config: NginxConfig,
  node: ConfigNode | null,
  routes: Route[],
  events: readonly LogEvent[],
  byServer: Map<string, RetryChain[]>,
  version: string,
): RuleHit {
  const route = routes[0]!;
  const module = route.pass.directive.replace(/_pass$/, '');
  const name = `${module}_next_upstream`;
  const sent = routes.flatMap((r) =>
    routeEvents(events, r).filter(
      (e) =>
        e.source === 'nginx-error' &&
        SENT_KINDS.has(e.kind) &&
        e.phase !== undefined &&
        SENT_PHASES.has(e.phase) &&
        e.method !== undefined &&
        NON_IDEMPOTENT.has(e.method),
    ),
  );
  const proven = [...new Set(routes.flatMap((r) => chainsOnRoute(byServer, r)))].filter(
    (c) => c.method !== undefined && NON_IDEMPOTENT.has(c.method),
  );
  const explains = [...new Set([...sent, ...proven.flatMap((c) => c.events)])];
  const labels = routes.map((r) => r.label).join(', ');
  const why = node
    ? `${name} ${node.args.join(' ')} (${node.file}:${node.line})`
    : `nginx ${version}, which retried every method before 1.9.13`;
  let message =
    `${labels} may send a POST, PATCH or LOCK that a server already received to another server ` +
    `(${why}): the request can run twice — a doubled order, a second charge.`;
  const names = [...new Set(routes.flatMap((r) => peers(r).hostnames))];
  if (names.length > 0)
    message += ` ${names.join(', ')} may resolve to several addresses; nginx uses each as a server.`;
  if (proven.length > 0)
    message += ` The logs show ${proven.length} such request(s) tried on several servers (${describeChains(proven)}).`;
  else if (sent.length > 0)
    message += ` ${sent.length} non-idempotent request(s) failed after being sent; nginx passes those to the next server.`;
  const evidence: Evidence[] = [
    ...(node
      ? [{ file: node.file, line: node.line, note: 'allows retrying non-idempotent requests' }]
      : []),
    ...routes.slice(0, 3).map((r) => ({ file: r.pass.file, line: r.pass.line, note: r.label })),
    ...explains.slice(0, 5).map((e) => ({ file: e.file, line: e.line })),
  ];
  const compared: ComparedValue[] = [
    {
      hop: 'nginx',
      setting: name,
      value: node ? node.args.join(' ') : 'error timeout (default)',
      source: node ? `${node.file}:${node.line}` : `nginx ${version}`,
    },
    {
      hop: 'nginx',
      setting: 'version',
      value: version,
      source: 'non_idempotent is needed for POST retries since 1.9.13',
    },
  ];
  if (!node) {
    return {
      key: `retry-policy non_idempotent ${route.location.file} ${route.label}`,
      title: 'nginx may retry POST requests on another server',
      message,
      evidence,
      compared,
      explains,
      fix: {
        safety: 'manual',
        description: `Upgrade nginx to 1.9.13 or later (POSTs are then not retried once sent), or set "${name} off" in locations that take non-idempotent requests.`,
        edits: [],
      },
    };
  }
  const rest = node.args.filter((a) => a !== 'non_idempotent');
  const file = config.file(node.file)!;
  return {
    key: `retry-policy non_idempotent ${node.file} ${scopeOf(node)}`,
    title: 'nginx may retry POST requests on another server',
    message,
    evidence,
    compared,
    explains,
    fix: {
      safety: 'unsafe',
      description:
        `Remove non_idempotent from ${name} (${node.file}:${node.line}): a POST, PATCH or LOCK ` +
        'that reached a server is no longer sent to a second one. Trade-off: when that server ' +
        'fails mid-request the client gets a 502 and must retry itself (safely only with an ' +
        'idempotency key); requests that never reached a server are still retried.',
      edits: setDirective(file, node.directive.parent, name, rest.length > 0 ? rest : ['off']),
    },
  };
}

function setOrInsert(
  file: NonNullable<ReturnType<NginxConfig['file']>>,
  block: NonNullable<ConfigNode['directive']['block']>,
  name: string,
  args: string[],
  route: Route,
): Edit[] {
  const existing = block.children.find((c) => c.name === name && !c.block);
  return existing
    ? setDirective(file, block, name, args)
    : insertDirective(file, block, name, args, { after: route.pass.node.directive });
}
