/**
 * proxy-timeout: nginx gave up waiting for the backend ("upstream timed out (110)", a 504).
 *
 * Each logged timeout is matched to the location nginx used for its Host and path, and to the
 * timeout that fired, by the phase nginx names: connecting → `*_connect_timeout`, sending the
 * request → `*_send_timeout`, reading the response → `*_read_timeout`. The finding gives that
 * effective value and where it comes from. Usually the backend is simply slow for those
 * requests, which no config edit fixes (manual advice). When the app server is known to let
 * the request run longer than nginx waits (gunicorn sync `timeout`, uWSGI `harakiri`, Node
 * `server.timeout`), nginx abandons requests the app would have finished: a second finding
 * raises the read timeout to just below the app's limit, so nginx still gives up first.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import {
  effective,
  formatDuration,
  parseDuration,
  setDirective,
  type Effective,
} from '../formats/nginx/index.ts';
import type { Route, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { margin, READ_TIMEOUT } from './lib/app-limit.ts';
import { appServers, type AppServer } from './lib/app-servers.ts';
import { ingressPaths, ingressWait, matchIngress, type IngressPath } from './lib/waits.ts';
import { sourceOf, writtenAt } from './lib/app-values.ts';
import { eventEvidence } from './lib/route-events.ts';
import { routeOf } from './lib/route-of.ts';
import { pathTimers } from './lib/timers.ts';
import { failedDurations, matchTimers, timingSentence } from './lib/timer-match.ts';

type Stage = 'connect' | 'send' | 'read';

const STAGE_OF: Record<string, Stage> = {
  connecting: 'connect',
  'ssl-handshake': 'connect',
  'sending-request': 'send',
  'reading-response-header': 'read',
  'reading-upstream': 'read',
};

const WHY: Record<Stage, string> = {
  connect:
    'the backend did not accept the TCP connection in time: its listen queue is full, a ' +
    'firewall drops the SYNs, or the host is gone without refusing',
  send: 'the backend stopped reading the request (a stuck worker, or a full socket buffer on a large body)',
  read:
    'the backend took longer than that to answer these requests (a slow query, an external call, ' +
    'a queue of requests behind busy workers)',
};

const ADVICE: Record<Stage, string> = {
  connect:
    'Check that the backend is up and its listen backlog is not full; connect timeouts above a few seconds only hide that.',
  send: 'Check what the backend was doing (a stuck worker, a full buffer); raising the timeout rarely helps.',
  read:
    'Find the slow requests ($upstream_response_time in the access log) and make them faster or ' +
    'move the work to a background job; if some really need longer, raise the read timeout only ' +
    'in the location that serves them, and keep the app server limit above it.',
};

export const proxyTimeout: Rule = {
  meta: {
    id: 'proxy-timeout',
    cause: 'proxy-timeout',
    severity: 'error',
    title: 'nginx timed out waiting for the backend (504)',
    docs:
      'nginx logged "upstream timed out (110: Connection timed out)" and answered 504. The ' +
      'finding names the location that served each request and the timeout that fired (connect, ' +
      'send or read, by the phase nginx logged) with its effective value and source. When the app ' +
      "server's own limit is known to be longer, nginx is giving up on requests the app would " +
      'finish, and its read timeout is raised to just below the app limit.',
    fixSafety:
      'Usually manual: a slow backend is not fixed by a config edit. The read-timeout raise is ' +
      "safe when the location relied on nginx's default (the app limit, not the 60 s default, " +
      'then bounds the wait), and unsafe (opt-in) when someone wrote the lower value on purpose: ' +
      'clients then wait longer for slow requests and nginx holds their connections longer.',
  },
  check({ topology, events }) {
    const timeouts = events.filter(
      (e) => e.source === 'nginx-error' && e.kind === 'upstream-timeout',
    );
    if (timeouts.length === 0) return [];
    const groups = new Map<
      string,
      { route: Route | null; ingress: IngressPath | null; stage: Stage; events: LogEvent[] }
    >();
    // Without an nginx location for them, the requests may have gone through ingress-nginx.
    const ingresses = ingressPaths(topology);
    for (const event of timeouts) {
      const stage = STAGE_OF[event.phase ?? ''] ?? 'read';
      const route = routeOf(topology, event);
      const host = typeof event.fields?.host === 'string' ? event.fields.host : null;
      const ingress =
        route || !event.path ? null : matchIngress(ingresses, host, event.path.split('?')[0]!);
      const id = `${route ? routeKey(route) : ingress ? ingressKey(ingress) : ''}\u0000${stage}`;
      const group = groups.get(id) ?? { route, ingress, stage, events: [] };
      group.events.push(event);
      groups.set(id, group);
    }
    const servers = appServers(topology, events);
    const hits: RuleHit[] = [];
    for (const { route, ingress, stage, events: list } of groups.values()) {
      const viaIngress = ingress ? ingressAdvice(ingress, stage, list) : null;
      if (viaIngress) hits.push(viaIngress);
      if (!route || !topology.nginx) {
        if (!viaIngress) hits.push(unplaced(topology, stage, list));
        continue;
      }
      const directive = READ_TIMEOUT[route.pass.directive].replace('_read_', `_${stage}_`);
      const eff = effective(topology.nginx, route.location, directive, topology.nginxVersion);
      const raise =
        stage === 'read' ? raiseToApp(topology, servers, route, directive, eff, list) : null;
      if (raise) hits.push(raise);
      const timing = matchTimers(
        failedDurations(topology, events, [route]),
        pathTimers(topology, [route], list, servers),
      );
      hits.push(advice(servers, route, stage, directive, eff, list, timingSentence(timing)));
    }
    return hits;
  },
};

function ingressKey(p: IngressPath): string {
  return `ingress ${p.file} ${p.ingress} ${p.host ?? '*'} ${p.path}`;
}

/** Timeouts of requests ingress-nginx routed by an Ingress path: its own proxy-*-timeout. */
function ingressAdvice(p: IngressPath, stage: Stage, list: LogEvent[]): RuleHit | null {
  const setting = `proxy-${stage}-timeout`;
  const wait = ingressWait(p, setting);
  if (!wait) return null;
  return {
    key: `proxy-timeout ${ingressKey(p)} ${setting}`,
    message:
      `${list.length} request(s) to ${wait.label}${sample(list)} timed out in ingress-nginx ` +
      `after ${setting} ${wait.value} s (${wait.source}): ${WHY[stage]}.`,
    evidence: [
      wait.line
        ? { ...wait.line, note: `${setting} ${wait.value}` }
        : { ...wait.anchor, note: `${setting} not set: ${wait.source} ${wait.value}` },
      ...eventEvidence(list, 5),
    ],
    compared: [{ hop: wait.label, setting, value: wait.value, source: wait.source }],
    explains: list,
    fix: {
      safety: 'manual',
      description:
        `${ADVICE[stage]} On ingress-nginx the per-Ingress knob is the annotation ` +
        `nginx.ingress.kubernetes.io/${setting} (seconds).`,
      edits: [],
    },
  };
}

function routeKey(route: Route): string {
  return `${route.location.file} ${route.label}`;
}

function where(e: Effective): string {
  return 'file' in e.source ? `${e.source.file}:${e.source.line}` : e.source.default;
}

function sample(list: readonly LogEvent[]): string {
  const e = list.find((x) => x.path);
  return e ? ` (e.g. ${e.method ? `${e.method} ` : ''}${e.path})` : '';
}

function advice(
  servers: readonly AppServer[],
  route: Route,
  stage: Stage,
  directive: string,
  eff: Effective,
  list: LogEvent[],
  /** Which timer the failed requests' elapsed time matches (lib/timers.ts), as a sentence. */
  timing: string,
): RuleHit {
  const value = eff.value?.join(' ') ?? '?';
  const evidence: Evidence[] = [];
  if ('file' in eff.source) evidence.push({ ...eff.source, note: `${directive} ${value}` });
  else
    evidence.push({
      file: route.location.file,
      line: route.location.line,
      note: `${directive} not set: ${eff.source.default} ${value}`,
    });
  evidence.push(...eventEvidence(list, 5));
  const limits = servers.filter((s) => s.routes.includes(route));
  const compared: ComparedValue[] = [
    { hop: `nginx ${route.label}`, setting: directive, value, source: where(eff) },
    ...limits.map(({ label, limit, text }) => ({
      hop: label,
      setting: limit.setting,
      value: text(limit.seconds),
      source: sourceOf(limit.value.source),
    })),
  ];
  return {
    key: `proxy-timeout ${routeKey(route)} ${directive}`,
    message:
      `${list.length} request(s) to ${route.label}${sample(list)} timed out in nginx after ` +
      `${directive} ${value} (${where(eff)}): ${WHY[stage]}.${timing}`,
    evidence,
    compared,
    explains: list,
    fix: { safety: 'manual', description: ADVICE[stage], edits: [] },
  };
}

/** A second hit when the app would have finished: raise nginx's read timeout to just below it. */
function raiseToApp(
  topology: Topology,
  servers: readonly AppServer[],
  route: Route,
  directive: string,
  eff: Effective,
  list: LogEvent[],
): RuleHit | null {
  const current = eff.value?.[0] !== undefined ? parseDuration(eff.value[0]) : null;
  const limits = servers.filter((s) => s.routes.includes(route) && s.limit.hard);
  if (current === null || limits.length === 0) return null;
  // The shortest app limit behind this location: nginx must still give up before it.
  const server = limits.reduce((a, b) => (b.limit.seconds < a.limit.seconds ? b : a));
  const { limit } = server;
  const target = Math.floor(limit.seconds - margin(limit.seconds));
  if (target <= current) return null;
  const config = topology.nginx!;
  const file = config.file(route.location.file);
  const block = route.location.node.directive.block;
  if (!file || !block) return null;
  const text = formatDuration(target);
  const edits: Edit[] = setDirective(file, block, directive, [text]);
  if (edits.length === 0) return null;
  const written = 'file' in eff.source;
  const appAt = sourceOf(limit.value.source);
  return {
    key: `proxy-timeout ${routeKey(route)} ${directive} below app limit`,
    title: 'nginx gives up before the app server would',
    message:
      `nginx stops waiting after ${directive} ${eff.value!.join(' ')} (${where(eff)}) on ` +
      `${route.label}, but ${server.label} lets a request run up to ${limit.setting} = ` +
      `${server.text(limit.seconds)} (${appAt}): the ${list.length} timed-out request(s) ` +
      'might have finished.',
    evidence: [
      ...('file' in eff.source
        ? [{ ...eff.source, note: `${directive} ${eff.value!.join(' ')}` }]
        : [{ file: route.location.file, line: route.location.line, note: `${directive} not set` }]),
      ...[writtenAt(limit.value.source)]
        .filter((at) => at !== null)
        .map((at) => ({ ...at, note: `${limit.setting} ${limit.value.value}` })),
      ...eventEvidence(list, 3),
    ],
    compared: [
      {
        hop: `nginx ${route.label}`,
        setting: directive,
        value: eff.value!.join(' '),
        source: where(eff),
      },
      {
        hop: server.label,
        setting: limit.setting,
        value: server.text(limit.seconds),
        source: appAt,
      },
    ],
    explains: list,
    fix: {
      safety: written ? 'unsafe' : 'safe',
      description:
        `Set ${directive} ${text} in ${route.label}: just below ${limit.setting} ` +
        `(${server.text(limit.seconds)}), so requests the app finishes in time are no ` +
        'longer cut off and nginx still answers 504 before the app kills a worker. Clients may ' +
        'wait that long for slow requests.',
      edits,
    },
  };
}

/** Timeouts whose location is unknown (no config, or no location serves that path). */
function unplaced(topology: Topology, stage: Stage, list: LogEvent[]): RuleHit {
  const hint = topology.nginx
    ? 'no pasted location serves these requests'
    : 'no nginx config was pasted, so the value in effect is unknown';
  return {
    key: `proxy-timeout (unplaced) ${stage}`,
    message:
      `${list.length} request(s)${sample(list)} timed out in nginx while ` +
      `${stage === 'connect' ? 'connecting to' : stage === 'send' ? 'sending to' : 'reading from'} ` +
      `the backend (${hint}; nginx's default for the ${stage} timeout is 60s): ${WHY[stage]}.`,
    evidence: eventEvidence(list, 5),
    explains: list,
    fix: { safety: 'manual', description: ADVICE[stage], edits: [] },
  };
}
