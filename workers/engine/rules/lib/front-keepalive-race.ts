/**
 * keepalive-race one hop earlier: a load balancer in front of nginx keeps idle connections to it
 * for its idle timeout (AWS ALB and Classic ELB: 60 s by default), and nginx closes an idle
 * client connection after `keepalive_timeout` (75 s by default). When nginx's is not longer,
 * the balancer sooner or later sends a request on a connection nginx has just closed: AWS
 * documents the result as a 502 (ALB: "the target closed the connection … check whether
 * keep-alive duration of the target is shorter than the idle timeout value of the load
 * balancer") or a 504 (Classic ELB), with target status `-` in its access log. nginx logs
 * nothing: the connection was idle. The fix keeps nginx's connections open longer than the
 * balancer's, so the balancer always closes first.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../../model.ts';
import {
  effective,
  formatDuration,
  insertDirective,
  parseDuration,
  setDirective,
  type NginxConfig,
} from '../../formats/nginx/index.ts';
import type { ConfigNode } from '../../formats/nginx/config.ts';
import type { Front, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';

/** What a lost race looks like in the balancer's log: no answer from nginx at all. */
const RACE_STATUS = { alb: 502, elb: 504 } as const;
/** nginx's limit is set this much above the balancer's. */
const MARGIN = 5;

interface ServerIdle {
  server: ConfigNode;
  seconds: number;
  value: string;
  /** The keepalive_timeout directive in effect, or null for nginx's default. */
  node: ConfigNode | null;
  source: string;
}

export function frontRaceHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const config = topology.nginx;
  if (!config) return [];
  const servers = serverIdles(config, topology.nginxVersion);
  const hits: RuleHit[] = [];
  for (const front of topology.fronts) {
    const idle = numberOf(front.idle);
    if (idle === null || idle <= 0) continue;
    // keepalive_timeout 0 turns keep-alive off: nginx says Connection: close, nothing is reused.
    const short = servers.filter((s) => s.seconds > 0 && s.seconds <= idle);
    if (short.length === 0) continue;
    const explains = explained(front, topology.fronts, events);
    const shortest = short.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    hits.push({
      key: `keepalive-race front ${front.file} ${front.label}`,
      title: 'The load balancer reuses connections nginx has already closed',
      message: message(front, idle, shortest, short.length, servers.length, explains),
      evidence: evidence(front, short, explains),
      compared: compared(front, shortest),
      explains,
      fix: fix(config, front, idle, short),
    });
  }
  return hits;
}

/** Every http server block with the client keepalive_timeout nginx applies to it. */
function serverIdles(config: NginxConfig, version: string): ServerIdle[] {
  return config
    .nodes()
    .filter((n) => n.name === 'server' && n.context === 'http' && n.directive.block)
    .flatMap((server) => {
      const eff = effective(config, server, 'keepalive_timeout', version);
      const written = eff.value?.[0];
      const seconds = written === undefined ? null : parseDuration(written);
      if (seconds === null || written === undefined) return [];
      // "65" is seconds: say so.
      const value = /^\d+$/.test(written) ? `${written}s` : written;
      return [
        {
          server,
          seconds,
          value,
          node: eff.node ?? null,
          source:
            'default' in eff.source ? eff.source.default : `${eff.source.file}:${eff.source.line}`,
        },
      ];
    });
}

/** The balancer's responses that got no answer from nginx, when this is the only balancer of its kind. */
function explained(
  front: Front,
  fronts: readonly Front[],
  events: readonly LogEvent[],
): LogEvent[] {
  if (fronts.filter((f) => f.kind === front.kind).length > 1) return [];
  return events.filter(
    (e) =>
      e.source === 'aws-lb' &&
      e.fields?.balancer === front.kind &&
      e.status === RACE_STATUS[front.kind] &&
      e.fields.targetStatus === '-',
  );
}

function message(
  front: Front,
  idle: number,
  shortest: ServerIdle,
  short: number,
  all: number,
  explains: readonly LogEvent[],
): string {
  const which =
    all === 1
      ? 'nginx'
      : short === all
        ? 'nginx (every server block)'
        : `nginx (${short} of its ${all} server blocks)`;
  let out =
    `${front.label} keeps idle connections to nginx for ${idle} s (idle_timeout, ${sourceOf(front.idle.source)}), ` +
    `but ${which} closes an idle client connection after ${shortest.value} (keepalive_timeout, ${shortest.source}). ` +
    'The balancer then sends a request on a connection nginx has just closed; nginx logs nothing ' +
    `(the connection was idle) and the balancer answers ${RACE_STATUS[front.kind]} with target status "-".`;
  if (explains.length > 0) out += ` ${explains.length} such response(s) are in the balancer's log.`;
  return out;
}

function evidence(
  front: Front,
  short: readonly ServerIdle[],
  explains: readonly LogEvent[],
): Evidence[] {
  const at = writtenAt(front.idle.source);
  const out: Evidence[] = [
    at
      ? { ...at, note: `the balancer's idle timeout (${front.idle.value} s)` }
      : { file: front.file, line: front.line, note: 'no idle_timeout: 60 s by default' },
  ];
  const seen = new Set<string>();
  for (const s of short) {
    const where = s.node ?? s.server;
    const key = `${where.file}:${where.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      file: where.file,
      line: where.line,
      note: s.node
        ? `keepalive_timeout ${s.value}`
        : `server block: keepalive_timeout ${s.value} by default`,
    });
  }
  for (const e of explains.slice(0, 5)) out.push({ file: e.file, line: e.line });
  return out;
}

function compared(front: Front, shortest: ServerIdle): ComparedValue[] {
  return [
    {
      hop: front.label,
      setting: 'idle_timeout',
      value: `${front.idle.value} s`,
      source: sourceOf(front.idle.source),
    },
    {
      hop: 'nginx (clients)',
      setting: 'keepalive_timeout',
      value: shortest.value,
      source: shortest.source,
    },
  ];
}

/**
 * keepalive_timeout above the balancer's idle timeout, where each short value comes from: the
 * server block or http block that sets it (its second argument, the Keep-Alive header's, kept),
 * else — nginx's default — in the http block once, or in each server block when no http block
 * was pasted.
 */
function fix(
  config: NginxConfig,
  front: Front,
  idle: number,
  short: readonly ServerIdle[],
): NonNullable<RuleHit['fix']> {
  const value = formatDuration(idle + MARGIN);
  const edits: Edit[] = [];
  const done = new Set<ConfigNode>();
  for (const s of short) {
    const owner = s.node ? s.node.parent : (httpOf(s.server) ?? s.server);
    if (!owner || done.has(owner)) continue;
    done.add(owner);
    const file = config.file((s.node ?? owner).file);
    if (!file) continue;
    // A directive at the top of an included file: its block is that file's root.
    const block = owner.file === file.name ? owner.directive.block! : null;
    edits.push(
      ...(s.node
        ? setDirective(file, block, 'keepalive_timeout', [value, ...s.node.args.slice(1)])
        : insertDirective(file, block, 'keepalive_timeout', [value])),
    );
  }
  return {
    safety: 'safe',
    description:
      `Set keepalive_timeout ${value} in nginx, above the ${idle} s idle timeout of ${front.label}, so ` +
      'the balancer always closes an idle connection first. The cost is idle client connections ' +
      `held ${value} instead of ${short[0]!.value}; the other way is to lower the balancer's idle timeout below nginx's.`,
    edits,
  };
}

/** The http block a server is in, when its file holds it (a conf.d snippet's server has none). */
function httpOf(server: ConfigNode): ConfigNode | null {
  const parent = server.parent;
  return parent && parent.name === 'http' && parent.file === server.file && parent.directive.block
    ? parent
    : null;
}
