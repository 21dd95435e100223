/**
 * keepalive-race through ingress-nginx: the controller pools upstream connections
 * (`upstream-keepalive-connections`, 320 by default; 0 turns the pool off) for
 * `upstream-keepalive-timeout` seconds (60 by default), speaking HTTP/1.1 with the Connection
 * header cleared. Both are ConfigMap keys only (no per-Ingress annotation), so the fix edits
 * the ingress-nginx ConfigMap when it is pasted — which changes every Ingress — and otherwise
 * raises the app server's idle timeout above the controller's.
 */
import type { ComparedValue, Evidence, LogEvent } from '../../model.ts';
import { setIngressNginxConfig } from '../../formats/kubernetes/index.ts';
import { parseUpstream } from '../../logs/index.ts';
import type { Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { backendIdle, type BackendIdle } from './backend-idle.ts';
import { withoutNearbyKills } from './event-time.ts';
import { ingressRoutes, type IngressRoute } from './ingress-routes.ts';
import { raiseBackendIdle, raisedText } from './raise-idle.ts';

const RACE_KINDS = new Set(['premature-close', 'connection-reset', 'broken-pipe']);
const RACE_PHASES = new Set(['sending-request', 'reading-response-header']);

function where(v: { source: object }): string {
  const s = v.source as { file?: string; line?: number; default?: string };
  return s.file !== undefined && s.line !== undefined ? `${s.file}:${s.line}` : (s.default ?? '');
}

export function ingressRaceHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const hits: RuleHit[] = [];
  const seen = new Set<string>();
  for (const route of ingressRoutes(topology)) {
    const s = route.ingress.settings;
    const key = `keepalive-race ingress ${route.file.name} ${route.ingress.name} -> ${route.service.name}`;
    if (seen.has(key)) continue;
    const pool = s['upstream-keepalive-connections'];
    const timeout = s['upstream-keepalive-timeout'];
    if (!pool || !timeout || Number.parseInt(pool.value ?? '0', 10) <= 0) continue;
    if ((s['proxy-http-version']?.value ?? '1.1') !== '1.1') continue;
    const nginxIdle = Number.parseFloat(timeout.value ?? '');
    const backend = route.backends
      .map(backendIdle)
      .filter((b): b is BackendIdle => b !== null)
      .sort((a, b) => a.seconds - b.seconds)[0];
    if (!backend || !Number.isFinite(nginxIdle) || nginxIdle < backend.seconds) continue;
    seen.add(key);
    const explains = explained(events, route);
    hits.push({
      key,
      message:
        `ingress-nginx keeps idle connections to Service ${route.service.name} (Ingress ` +
        `${route.ingress.name}) for ${timeout.value}s (upstream-keepalive-timeout, ${where(timeout)}), ` +
        `but ${backend.backend.label} closes them after ${backend.display} (${backend.setting}, ` +
        `${backend.source}): ${backend.why}. A request the controller writes onto a connection the ` +
        'app server is closing fails; POST, PATCH and LOCK are not retried on another connection, ' +
        'so those reach the client as 502.' +
        (explains.length > 0 ? ` ${explains.length} logged failure(s) match that.` : ''),
      evidence: evidence(route, timeout, backend, explains),
      compared: compared(route, pool, timeout, backend),
      explains,
      fix: fix(route, Number(timeout.value), backend, topology),
    });
  }
  return hits;
}

/** Race-shaped failures whose upstream port is one the Service sends to (pod IPs change). */
function explained(events: readonly LogEvent[], route: IngressRoute): LogEvent[] {
  const ports = new Set(
    route.service.ports.flatMap((p) => [p.targetPort, p.port]).filter((p) => p !== null),
  );
  const candidates = events.filter((e) => {
    if (e.source !== 'nginx-error' || !RACE_KINDS.has(e.kind) || !e.upstream) return false;
    if (e.phase === undefined || !RACE_PHASES.has(e.phase)) return false;
    const port = parseUpstream(e.upstream)?.port;
    return port !== undefined && ports.has(String(port));
  });
  return withoutNearbyKills(candidates, events);
}

function evidence(
  route: IngressRoute,
  timeout: { source: object },
  backend: BackendIdle,
  explains: LogEvent[],
): Evidence[] {
  const out: Evidence[] = [
    { file: route.file.name, line: route.rule.line, note: `Ingress ${route.ingress.name} backend` },
  ];
  const t = timeout.source as { file?: string; line?: number };
  if (t.file !== undefined && t.line !== undefined)
    out.push({ file: t.file, line: t.line, note: 'upstream-keepalive-timeout' });
  if (backend.line)
    out.push({ ...backend.line, note: `${backend.setting}: the app server's idle timeout` });
  out.push(...backend.context);
  for (const e of explains.slice(0, 5)) out.push({ file: e.file, line: e.line });
  return out;
}

function compared(
  route: IngressRoute,
  pool: { value: string | null; source: object },
  timeout: { value: string | null; source: object },
  backend: BackendIdle,
): ComparedValue[] {
  return [
    {
      hop: 'ingress-nginx',
      setting: 'upstream-keepalive-connections',
      value: pool.value ?? '',
      source: where(pool),
    },
    {
      hop: 'ingress-nginx',
      setting: 'upstream-keepalive-timeout',
      value: `${timeout.value}s`,
      source: where(timeout),
    },
    {
      hop: backend.backend.kind,
      setting: backend.setting,
      value: backend.display,
      source: `${backend.source} (Service ${route.service.name})`,
    },
  ];
}

function fix(
  route: IngressRoute,
  controllerIdle: number,
  backend: BackendIdle,
  topology: Topology,
): NonNullable<RuleHit['fix']> {
  const below = Math.ceil(backend.seconds) - 1;
  if (route.configMap && below >= 1 && below < backend.seconds) {
    return {
      safety: 'safe',
      description:
        `Set upstream-keepalive-timeout "${below}" in the ingress-nginx ConfigMap (was ` +
        `${controllerIdle}), below ${backend.backend.label}'s ${backend.setting} of ` +
        `${backend.display}, so the controller drops idle connections first. Trade-off: the ` +
        'key is global — every Ingress gets the shorter idle time, so quiet backends see a new ' +
        'connection after that long without requests.',
      edits: setIngressNginxConfig(route.configMap, 'upstream-keepalive-timeout', String(below)),
    };
  }
  const raised = controllerIdle + 5;
  const edits = raiseBackendIdle(backend, raised, topology);
  if (edits.length > 0) {
    return {
      safety: 'safe',
      description:
        `Raise ${backend.backend.label}'s ${backend.setting} to ${raisedText(backend, raised)}, above ` +
        `ingress-nginx's upstream-keepalive-timeout of ${controllerIdle}s, so the controller ` +
        'always closes an idle connection first' +
        (backend.backend.kind === 'node'
          ? ` (headersTimeout goes to ${(raised + 1) * 1000} ms: Node needs it above keepAliveTimeout)`
          : '') +
        '. Trade-off: the app server holds idle sockets longer. The other way is ' +
        `upstream-keepalive-timeout below ${backend.display} in the ingress-nginx ConfigMap.`,
      edits,
    };
  }
  return {
    safety: 'manual',
    description:
      `Set upstream-keepalive-timeout below ${backend.display} in the ingress-nginx ConfigMap ` +
      `(it applies to every Ingress), or raise ${backend.setting} of ${backend.backend.label} ` +
      `above ${controllerIdle}s.`,
    edits: [],
  };
}
