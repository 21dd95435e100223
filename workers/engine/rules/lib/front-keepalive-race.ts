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
 * A balancer that sends straight to the app server (an AWS Load Balancer Controller Ingress, or
 * no nginx pasted behind it) races the app server's own keep-alive limit the same way — the
 * classic ALB → gunicorn (2 s) or Node (5 s) 502 — and the fix raises that limit above the
 * balancer's idle timeout, as AWS's troubleshooting guide advises.
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
import { setIngressNginxConfig } from '../../formats/kubernetes/index.ts';
import type { Front, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { frontCompared, frontEvidence, noAnswerLines } from './front-values.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';
import { appIdles, type ClientIdle } from './client-idle.ts';
import { directBackends, ingressNginxManifest } from './front-targets.ts';

/** What a lost race looks like in the balancer's log: no answer from nginx at all. */
const RACE_STATUS: Record<string, number> = { alb: 502, elb: 504, gcp: 502 };
/** How each balancer's own log tells that no answer came. */
const NO_ANSWER: Record<string, string> = {
  alb: 'with target status "-"',
  elb: 'with backend status "-"',
  gcp: '(statusDetails "backend_connection_closed_before_data_sent_to_client" in its log)',
};
/** nginx's limit is set this much above the balancer's. */
export const ABOVE_BALANCER = 5;

export function frontRaceHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  // Cloudflare's idle keep-alive to origins is not one of its documented settings: not compared.
  const fronts = topology.fronts.filter((f) => f.kind !== 'cloudflare');
  // (A fleet's config has tens of thousands of server blocks: read them only with a front.)
  if (fronts.length === 0) return [];
  // Behind the balancer: the app servers it sends to directly (front-targets.ts), else nginx's
  // own config when pasted, else ingress-nginx's ConfigMap behind the Service's ELB. nginx's
  // server blocks are read once, when needed.
  let nginx: ClientIdle[] | undefined;
  const nginxSides = () =>
    (nginx ??= topology.nginx
      ? serverIdles(topology.nginx, topology.nginxVersion)
      : ingressIdles(topology));
  const hits: RuleHit[] = [];
  for (const front of fronts) {
    const idle = numberOf(front.idle);
    if (idle === null || idle <= 0) continue;
    const direct = directBackends(topology, front);
    const sides = direct ? appIdles(topology, direct) : nginxSides();
    // keepalive_timeout 0 turns keep-alive off: nginx says Connection: close, nothing is reused.
    const short = sides.filter((s) => s.seconds > 0 && s.seconds <= idle);
    if (short.length === 0) continue;
    const explains = noAnswerLines(front, topology.fronts, events, RACE_STATUS[front.kind]!);
    const shortest = short.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    hits.push({
      key: `keepalive-race front ${front.file} ${front.label}`,
      title:
        shortest.hop === 'nginx'
          ? 'The load balancer reuses connections nginx has already closed'
          : 'The load balancer reuses connections the app server has already closed',
      message: message(front, idle, shortest, short, sides.length, explains),
      evidence: evidence(front, short, explains),
      compared: compared(front, shortest),
      explains,
      fix: fix(front, idle, short),
    });
  }
  return hits;
}

/**
 * Edits that raise nginx's client keepalive_timeout to `seconds` + ABOVE_BALANCER in every
 * server block whose timeout is not above `seconds` (keep-alive off stays off): what a
 * balancer whose idle timeout is raised to `seconds` needs behind it. [] when nothing needs it or no nginx config
 * was pasted; null when a server that needs it cannot be edited.
 */
export function nginxIdlesAbove(topology: Topology, seconds: number): Edit[] | null {
  if (!topology.nginx) return [];
  const short = serverIdles(topology.nginx, topology.nginxVersion).filter(
    (s) => s.seconds > 0 && s.seconds <= seconds,
  );
  const edits: Edit[] = [];
  const done = new Set<object>();
  for (const s of short) {
    if (done.has(s.owner)) continue;
    done.add(s.owner);
    const made = s.set(seconds + ABOVE_BALANCER);
    if (made.length === 0) return null;
    edits.push(...made);
  }
  return edits;
}

/** Every http server block with the client keepalive_timeout nginx applies to it. */
function serverIdles(config: NginxConfig, version: string): ClientIdle[] {
  return config
    .nodes()
    .filter((n) => n.name === 'server' && n.context === 'http' && n.directive.block)
    .flatMap((server): ClientIdle[] => {
      const eff = effective(config, server, 'keepalive_timeout', version);
      const written = eff.value?.[0];
      const seconds = written === undefined ? null : parseDuration(written);
      if (seconds === null || written === undefined) return [];
      const node = eff.node ?? null;
      // Where the change goes: the block that sets it (its Keep-Alive header value kept), else
      // — nginx's default — the http block once, or the server when no http block was pasted.
      const owner = node ? node.parent : (httpOf(server) ?? server);
      const where = node ?? server;
      return [
        {
          hop: 'nginx',
          seconds,
          // "65" is seconds: say so.
          value: /^\d+$/.test(written) ? `${written}s` : written,
          source:
            'default' in eff.source ? eff.source.default : `${eff.source.file}:${eff.source.line}`,
          at: {
            file: where.file,
            line: where.line,
            note: node
              ? `keepalive_timeout ${written}`
              : `server block: keepalive_timeout ${written} by default`,
          },
          owner: owner ?? server,
          setting: 'keepalive_timeout',
          place: 'in nginx',
          written: formatDuration,
          set(seconds) {
            const value = formatDuration(seconds);
            const file = config.file((node ?? owner)?.file ?? '');
            if (!file || !owner) return [];
            // A directive at the top of an included file: its block is that file's root.
            const block = owner.file === file.name ? owner.directive.block! : null;
            return node
              ? setDirective(file, block, 'keepalive_timeout', [value, ...node.args.slice(1)])
              : insertDirective(file, block, 'keepalive_timeout', [value]);
          },
        },
      ];
    });
}

/** ingress-nginx's `keep-alive` (75 s by default), when the manifests show ingress-nginx. */
function ingressIdles(topology: Topology): ClientIdle[] {
  const shown = ingressNginxManifest(topology);
  if (!shown) return [];
  const keep = shown.global['keep-alive']!;
  const seconds = Number(keep.value);
  if (!Number.isFinite(seconds)) return [];
  const at = writtenAt(keep.source);
  const parsed = shown.file;
  return [
    {
      hop: 'nginx',
      seconds,
      value: `${keep.value}s`,
      source: sourceOf(keep.source),
      at: at
        ? { ...at, note: `ingress-nginx keep-alive ${keep.value}` }
        : {
            file: parsed.name,
            line: 1,
            note: `ingress-nginx keep-alive ${keep.value} s by default`,
          },
      owner: parsed,
      setting: 'keep-alive',
      place: "in ingress-nginx's ConfigMap",
      written: String,
      set: (seconds) => setIngressNginxConfig(parsed, 'keep-alive', String(seconds)),
    },
  ];
}

function message(
  front: Front,
  idle: number,
  shortest: ClientIdle,
  short: readonly ClientIdle[],
  all: number,
  explains: readonly LogEvent[],
): string {
  const app = shortest.hop !== 'nginx';
  // nginx: which of its server blocks; app servers: the shortest, and how many others.
  const which = app
    ? shortest.hop + (short.length > 1 ? ` (and ${short.length - 1} other app server(s))` : '')
    : all === 1
      ? 'nginx'
      : short.length === all
        ? 'nginx (every server block)'
        : `nginx (${short.length} of its ${all} server blocks)`;
  const closer = app ? 'the app server' : 'nginx';
  let out =
    `${front.label} keeps idle connections to ${app ? 'the app server' : 'nginx'} for ${idle} s (${front.setting}, ${sourceOf(front.idle.source)}), ` +
    `but ${which} closes an idle client connection after ${shortest.value} (${shortest.setting}, ${shortest.source})` +
    (shortest.why ? `: ${shortest.why}. ` : '. ') +
    `The balancer then sends a request on a connection ${closer} has just closed; ${closer} logs nothing ` +
    `(the connection was idle) and the balancer answers ${RACE_STATUS[front.kind]} ${NO_ANSWER[front.kind]}.`;
  if (explains.length > 0) out += ` ${explains.length} such response(s) are in the balancer's log.`;
  return out;
}

function evidence(
  front: Front,
  short: readonly ClientIdle[],
  explains: readonly LogEvent[],
): Evidence[] {
  const out: Evidence[] = [frontEvidence(front)];
  const seen = new Set<string>();
  for (const s of short) {
    const key = `${s.at.file}:${s.at.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s.at);
  }
  for (const e of explains.slice(0, 5)) out.push({ file: e.file, line: e.line });
  return out;
}

function compared(front: Front, shortest: ClientIdle): ComparedValue[] {
  return [
    frontCompared(front),
    {
      hop: shortest.hop === 'nginx' ? 'nginx (clients)' : shortest.hop,
      setting: shortest.setting,
      value: shortest.value,
      source: shortest.source,
    },
  ];
}

/**
 * The hop's client idle timeout above the balancer's, once where each short value comes from.
 * (Lowering the balancer's instead is offered only against nginx's: below an app server's
 * few seconds it would close warm connections all the time.)
 */
function fix(
  front: Front,
  idle: number,
  short: readonly ClientIdle[],
): NonNullable<RuleHit['fix']> {
  const seconds = idle + ABOVE_BALANCER;
  const edits: Edit[] = [];
  const done = new Set<object>();
  for (const s of short) {
    if (done.has(s.owner)) continue;
    done.add(s.owner);
    edits.push(...s.set(seconds));
  }
  const first = short[0]!;
  const what = `${first.setting} ${first.written(seconds)}`;
  const app = first.hop !== 'nginx';
  const node = app && first.setting === 'keepAliveTimeout';
  if (edits.length === 0)
    return {
      safety: 'manual',
      description: app
        ? `Set ${what} ${first.place} (above the ${idle} s idle timeout of ${front.label})` +
          (node ? `, and headersTimeout above that` : '') +
          '.'
        : `Set ${what} (above the ${idle} s idle timeout of ${front.label}) where your nginx is configured, or lower the balancer's idle timeout below nginx's.`,
      edits: [],
    };
  return {
    safety: 'safe',
    description:
      `Set ${what} ${first.place}${short.length > 1 && app ? ' (and each app server behind it)' : ''}, above the ${idle} s idle timeout of ${front.label}, so ` +
      'the balancer always closes an idle connection first' +
      (node
        ? ` (headersTimeout goes to ${(seconds + 1) * 1000} ms: Node needs it above keepAliveTimeout)`
        : '') +
      `. The cost is idle client connections held ${app ? first.written(seconds) : formatDuration(seconds)} instead of ${first.value}` +
      // Google Cloud's 600 s is fixed: nothing to lower there.
      (app || front.kind === 'gcp'
        ? '.'
        : "; the other way is to lower the balancer's idle timeout below nginx's."),
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
