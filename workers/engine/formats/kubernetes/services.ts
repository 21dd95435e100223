/**
 * Services and container ports, so the topology can check that what nginx or the Ingress
 * targets (service port → targetPort) is a port the container really listens on.
 */
import { isScalar, type Node } from 'yaml';
import { asMap, asSeq, get, lineOf, str } from './nodes.ts';
import { k8sObjects, type K8sObject } from './objects.ts';
import type { YamlFile } from './yamlfile.ts';

export interface ServicePort {
  name: string | null;
  port: string | null;
  /** A number or a container port name; Kubernetes defaults it to `port`. */
  targetPort: string | null;
  protocol: string;
  line: number;
}

export interface K8sService extends K8sObject {
  type: string;
  selector: Record<string, string>;
  ports: ServicePort[];
  /** `metadata.annotations`, with the line of each value. */
  annotations: Record<string, { value: string | null; line: number }>;
}

const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * The AWS Classic ELB a `type: LoadBalancer` Service gets from the in-tree AWS cloud provider,
 * known by its `service.beta.kubernetes.io/aws-load-balancer-*` annotations, with its idle
 * timeout (`…-connection-idle-timeout`, 60 s by default). An NLB (`…-type: nlb` or `external`)
 * is left out: it passes TCP through and has no HTTP idle timeout of this kind.
 */
export function serviceElb(
  service: K8sService,
): { idle: { value: string | null; line: number | null } } | null {
  const a = service.annotations;
  if (service.type !== 'LoadBalancer' || !Object.keys(a).some((k) => k.startsWith(AWS)))
    return null;
  if (/^(nlb|nlb-ip|external)$/i.test(a[`${AWS}type`]?.value ?? '')) return null;
  const idle = a[`${AWS}connection-idle-timeout`];
  return { idle: idle ? { value: idle.value, line: idle.line } : { value: null, line: null } };
}

export function services(y: YamlFile): K8sService[] {
  const out: K8sService[] = [];
  for (const o of k8sObjects(y)) {
    if (o.kind !== 'Service') continue;
    const selector: Record<string, string> = {};
    for (const p of asMap(get(o.doc, o.node, 'spec', 'selector'))?.items ?? []) {
      const k = str(p.key as Node);
      if (k && isScalar(p.value)) selector[k] = str(p.value) ?? '';
    }
    const annotations: K8sService['annotations'] = {};
    for (const p of asMap(get(o.doc, o.node, 'metadata', 'annotations'))?.items ?? []) {
      const k = str(p.key as Node);
      if (k)
        annotations[k] = {
          value: isScalar(p.value) ? str(p.value) : null,
          line: lineOf(y.starts, p.value ?? p.key),
        };
    }
    out.push({
      ...o,
      annotations,
      type: str(get(o.doc, o.node, 'spec', 'type')) ?? 'ClusterIP',
      selector,
      ports: asSeq(o.doc, get(o.doc, o.node, 'spec', 'ports')).map((p) => {
        const port = str(get(o.doc, p, 'port'));
        return {
          name: str(get(o.doc, p, 'name')),
          port,
          targetPort: str(get(o.doc, p, 'targetPort')) ?? port,
          protocol: str(get(o.doc, p, 'protocol')) ?? 'TCP',
          line: lineOf(y.starts, p),
        };
      }),
    });
  }
  return out;
}

export interface ContainerPort {
  containerPort: string | null;
  name: string | null;
  line: number;
}

/** `ports:` of a container map. */
export function containerPorts(y: YamlFile, o: K8sObject, container: Node): ContainerPort[] {
  return asSeq(o.doc, get(o.doc, container, 'ports')).map((p) => ({
    containerPort: str(get(o.doc, p, 'containerPort')),
    name: str(get(o.doc, p, 'name')),
    line: lineOf(y.starts, p),
  }));
}

/** Pod template labels of a workload (what Service selectors match). */
export function templateLabels(o: K8sObject, podSpecPath: string[]): Record<string, string> {
  const meta =
    podSpecPath.length > 1
      ? [...podSpecPath.slice(0, -1), 'metadata', 'labels']
      : ['metadata', 'labels'];
  const out: Record<string, string> = {};
  for (const p of asMap(get(o.doc, o.node, ...meta))?.items ?? []) {
    const k = str(p.key as Node);
    if (k && isScalar(p.value)) out[k] = str(p.value) ?? '';
  }
  return out;
}
