/**
 * The request path picture, built from what the findings compared: every value a rule looked
 * at lands on one of four hops (client → nginx → app server → pod), deduplicated, and the
 * ones a warning or error rests on are marked as mismatches.
 */
import type { Report } from '../../workers/engine/model.ts';
import { nginxPasted } from './version-words.ts';

export type HopId = 'client' | 'front' | 'nginx' | 'app' | 'pod';

export interface PathValue {
  /** The hop as the rule named it ("gunicorn (gunicorn.conf.py)", "nginx location /api/"). */
  where: string;
  setting: string;
  value: string;
  source: string;
  /** Ranks (1-based, as the cards show them) of the warning/error findings comparing this value. */
  mismatchIn: number[];
  timeout: boolean;
}

export interface Hop {
  id: HopId;
  label: string;
  values: PathValue[];
}

const hopLabels: Record<HopId, string> = {
  client: 'client',
  front: 'load balancer',
  nginx: 'nginx',
  app: 'app server',
  pod: 'pod / system',
};

/** Which lane a rule's hop name belongs to. Names are free text, so match on words. */
export function hopOf(name: string): HopId {
  if (/^client\b/i.test(name)) return 'client';
  if (/load balancer|\b(ALB|ELB|NLB)\b|cloudflare/i.test(name)) return 'front';
  if (/nginx|ingress|upstream|proxy/i.test(name)) return 'nginx';
  // An app server named with the pod it runs in ("gunicorn in deploy.yaml Deployment web").
  if (/^(gunicorn|uwsgi|uvicorn|hypercorn|apache httpd|node\.js|puma|php-fpm)\b/i.test(name))
    return 'app';
  if (
    /\bpod\b|deployment|kubernetes|container|statefulset|daemonset|kernel|\bnode\b(?!\.js)|cgroup/i.test(
      name,
    )
  )
    return 'pod';
  return 'app';
}

const timeoutish = /timeout|keepalive|keep_alive|keep-alive|harakiri|grace|prestop|sleep|idle/i;

export function requestPath(report: Report): Hop[] {
  const hops: Hop[] = (['client', 'front', 'nginx', 'app', 'pod'] as const).map((id) => ({
    id,
    label: hopLabels[id],
    values: [],
  }));
  report.findings.forEach((finding, i) => {
    const rank = i + 1;
    const mismatch = finding.severity !== 'info' && finding.cause !== 'unexplained';
    // A card's places may compare values of their own (one location's read timeout, another's).
    const rows = [finding, ...(finding.places ?? [])].flatMap((p) => p.compared ?? []);
    for (const row of rows) {
      const hop = hops.find((h) => h.id === hopOf(row.hop))!;
      let value = hop.values.find(
        (v) =>
          v.where === row.hop &&
          v.setting === row.setting &&
          v.value === row.value &&
          v.source === row.source,
      );
      if (!value) {
        value = {
          where: row.hop,
          setting: row.setting,
          value: row.value,
          source: row.source,
          mismatchIn: [],
          timeout: timeoutish.test(row.setting),
        };
        hop.values.push(value);
      }
      if (mismatch && !value.mismatchIn.includes(rank)) value.mismatchIn.push(rank);
    }
  });
  // Timeouts first: they are what the picture is for; the rest follows in the rules' order.
  for (const hop of hops) hop.values.sort((a, b) => Number(b.timeout) - Number(a.timeout));
  return hops;
}

/**
 * The hops the chain draws: a load balancer only when the inputs show one; nginx always, except
 * when a balancer is drawn and nothing pasted is nginx's (no nginx config or log line, no value
 * compared on it): then the balancer sends straight to the app server (an ALB Ingress, or none
 * between), and an "nginx" hop would be one the request never takes.
 */
export function drawnHops(report: Report, hops: readonly Hop[] = requestPath(report)): Hop[] {
  const front = hops.some((h) => h.id === 'front' && h.values.length > 0);
  const nginxSeen = nginxPasted(report);
  return hops.filter(
    (h) => h.values.length > 0 || (h.id !== 'front' && (h.id !== 'nginx' || nginxSeen || !front)),
  );
}
