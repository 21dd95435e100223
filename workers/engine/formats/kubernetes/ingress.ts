/**
 * Ingress objects (ingress-nginx annotations, backends) and the ingress-nginx ConfigMap, with
 * effective values: annotation on the Ingress > ConfigMap key > controller default.
 */
import { isScalar, type Node } from 'yaml';
import type { EffectiveSettings, EffectiveValue } from '../gunicorn/text.ts';
import { ANNOTATION_PREFIX, INGRESS_NGINX_DEFAULTS } from './defaults.ts';
import { asMap, asSeq, get, lineOf, str } from './nodes.ts';
import { k8sObjects, type K8sObject } from './objects.ts';
import type { YamlFile } from './yamlfile.ts';

export interface IngressBackend {
  host: string | null;
  path: string | null;
  service: string | null;
  port: string | null;
  line: number;
}

export interface K8sIngress extends K8sObject {
  className: string | null;
  /** ingress-nginx annotations by key without the prefix (`proxy-read-timeout`). */
  annotations: Record<string, { value: string | null; line: number }>;
  backends: IngressBackend[];
  /** The AWS Load Balancer Controller's ALB, when it serves this Ingress instead (albOf). */
  alb: { idle: { value: string | null; line: number | null } } | null;
}

const ALB_PREFIX = 'alb.ingress.kubernetes.io/';

/**
 * An Ingress the AWS Load Balancer Controller serves: class `alb` (ingressClassName or the
 * `kubernetes.io/ingress.class` annotation) or any `alb.ingress.kubernetes.io/` annotation.
 * Its ALB sends straight to the pods (target type ip, or instance through a NodePort), and its
 * idle timeout is the `idle_timeout.timeout_seconds` item of
 * `alb.ingress.kubernetes.io/load-balancer-attributes` (60 s by default).
 */
function albOf(y: YamlFile, o: K8sObject, className: string | null): K8sIngress['alb'] {
  const items = asMap(get(o.doc, o.node, 'metadata', 'annotations'))?.items ?? [];
  const keys = items.map((p) => str(p.key as Node) ?? '');
  if (className !== 'alb' && !keys.some((k) => k.startsWith(ALB_PREFIX))) return null;
  const attributes = items[keys.indexOf(`${ALB_PREFIX}load-balancer-attributes`)];
  const written = attributes && isScalar(attributes.value) ? str(attributes.value) : null;
  const idle = /(?:^|,)\s*idle_timeout\.timeout_seconds\s*=\s*([^,\s]*)/.exec(written ?? '');
  return {
    idle: idle
      ? { value: idle[1]!, line: lineOf(y.starts, attributes!.value ?? attributes!.key) }
      : { value: null, line: null },
  };
}

export function ingresses(y: YamlFile): K8sIngress[] {
  const out: K8sIngress[] = [];
  for (const o of k8sObjects(y)) {
    if (o.kind !== 'Ingress') continue;
    const annotations: K8sIngress['annotations'] = {};
    const ann = asMap(get(o.doc, o.node, 'metadata', 'annotations'));
    for (const p of ann?.items ?? []) {
      const k = str(p.key as Node);
      if (!k?.startsWith(ANNOTATION_PREFIX)) continue;
      annotations[k.slice(ANNOTATION_PREFIX.length)] = {
        value: isScalar(p.value) ? str(p.value) : null,
        line: lineOf(y.starts, p.value ?? p.key),
      };
    }
    const backends: IngressBackend[] = [];
    // The default backend (`spec.defaultBackend`, `spec.backend` before networking/v1) takes
    // whatever no rule matches; an Ingress may have nothing else.
    const fallback =
      get(o.doc, o.node, 'spec', 'defaultBackend') ?? get(o.doc, o.node, 'spec', 'backend');
    if (fallback) {
      const svc = get(o.doc, fallback, 'service');
      backends.push({
        host: null,
        path: null,
        service: str(get(o.doc, svc, 'name')) ?? str(get(o.doc, fallback, 'serviceName')),
        port:
          str(get(o.doc, svc, 'port', 'number')) ??
          str(get(o.doc, svc, 'port', 'name')) ??
          str(get(o.doc, fallback, 'servicePort')),
        line: lineOf(y.starts, fallback),
      });
    }
    for (const rule of asSeq(o.doc, get(o.doc, o.node, 'spec', 'rules'))) {
      const host = str(get(o.doc, rule, 'host'));
      for (const p of asSeq(o.doc, get(o.doc, rule, 'http', 'paths'))) {
        const svc = get(o.doc, p, 'backend', 'service');
        backends.push({
          host,
          path: str(get(o.doc, p, 'path')),
          service: str(get(o.doc, svc, 'name')) ?? str(get(o.doc, p, 'backend', 'serviceName')),
          port:
            str(get(o.doc, svc, 'port', 'number')) ??
            str(get(o.doc, svc, 'port', 'name')) ??
            str(get(o.doc, p, 'backend', 'servicePort')),
          line: lineOf(y.starts, p),
        });
      }
    }
    const className =
      str(get(o.doc, o.node, 'spec', 'ingressClassName')) ??
      str(get(o.doc, o.node, 'metadata', 'annotations', 'kubernetes.io/ingress.class'));
    out.push({ ...o, className, annotations, backends, alb: albOf(y, o, className) });
  }
  return out;
}

/**
 * A ConfigMap that configures ingress-nginx: by its usual names, its labels, or data made of
 * ingress-nginx keys (at least two known ones, and nothing that looks like app settings).
 */
export function isIngressNginxConfigMap(o: K8sObject): boolean {
  if (o.kind !== 'ConfigMap') return false;
  if (
    /^(ingress-nginx-controller|nginx-configuration|ingress-nginx|nginx-ingress-controller|.*-ingress-nginx-controller)$/.test(
      o.name,
    )
  )
    return true;
  const label = str(get(o.doc, o.node, 'metadata', 'labels', 'app.kubernetes.io/name'));
  if (label === 'ingress-nginx') return true;
  const keys = (asMap(get(o.doc, o.node, 'data'))?.items ?? []).map(
    (p) => str(p.key as Node) ?? '',
  );
  const known = keys.filter((k) => k in INGRESS_NGINX_DEFAULTS).length;
  return known >= 2 && known * 2 >= keys.length;
}

export function ingressNginxConfigMaps(y: YamlFile): K8sObject[] {
  return k8sObjects(y).filter(isIngressNginxConfigMap);
}

/** ingress-nginx global settings: ConfigMap data over controller defaults. */
export function ingressNginxSettings(y: YamlFile, file: string): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const [k, d] of Object.entries(INGRESS_NGINX_DEFAULTS))
    out[k] = { value: d.value, source: { default: `ingress-nginx default (${d.holds})` } };
  for (const cm of ingressNginxConfigMaps(y)) {
    for (const p of asMap(get(cm.doc, cm.node, 'data'))?.items ?? []) {
      const k = str(p.key as Node);
      if (k)
        out[k] = {
          value: isScalar(p.value) ? str(p.value) : null,
          source: { file, line: lineOf(y.starts, p.value ?? p.key) },
        };
    }
  }
  return out;
}

/** One Ingress's effective ingress-nginx settings: its annotations over the global ones. */
export function ingressEffective(
  ing: K8sIngress,
  global: EffectiveSettings,
  file: string,
): EffectiveSettings {
  const out: EffectiveSettings = { ...global };
  for (const [k, a] of Object.entries(ing.annotations)) {
    const v: EffectiveValue = {
      value: a.value,
      source: { file, line: a.line, layer: `annotation on Ingress ${ing.name}` },
    };
    out[k] = v;
  }
  return out;
}
