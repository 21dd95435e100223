/**
 * The request path through ingress-nginx, for rules that compare its settings with the app
 * servers behind it: Ingress rule → Service (by name) → workloads whose pod template labels the
 * Service selects → the app servers (gunicorn/uWSGI) running in those pods. When the pods run
 * something the topology does not read from the manifest (a Node server pasted as its own
 * file), the only app server pasted without a pod is taken, as the topology does for nginx.
 */
import type { ParsedFile } from '../../formats/types.ts';
import type { EffectiveSettings } from '../../formats/gunicorn/index.ts';
import {
  kubernetesIngresses,
  kubernetesIngressNginx,
  kubernetesServices,
  type IngressBackend,
  type K8sIngress,
  type K8sService,
  type KubernetesTree,
} from '../../formats/kubernetes/index.ts';
import type { Backend, Topology } from '../../topology/index.ts';

export interface IngressRoute {
  /** The manifest holding the Ingress. */
  file: ParsedFile<KubernetesTree>;
  ingress: K8sIngress & { settings: EffectiveSettings };
  rule: IngressBackend;
  service: K8sService;
  backends: Backend[];
  /** The manifest holding the ingress-nginx ConfigMap, when one was pasted. */
  configMap: ParsedFile<KubernetesTree> | null;
}

/** An Ingress ingress-nginx serves: its class names nginx, or none (the default class), and no ALB. */
export function servedByIngressNginx(ing: K8sIngress): boolean {
  return ing.alb === null && (ing.className === null || /nginx/i.test(ing.className));
}

function fromConfigMap(settings: EffectiveSettings): boolean {
  return Object.values(settings).some((v) => 'file' in v.source && v.source.file !== undefined);
}

export function ingressRoutes(topology: Topology): IngressRoute[] {
  const manifests = topology.files.filter(
    (f): f is ParsedFile<KubernetesTree> => f.kind === 'kubernetes',
  );
  if (manifests.length === 0) return [];
  const configMap = manifests.find((f) => fromConfigMap(kubernetesIngressNginx(f))) ?? null;
  const global = kubernetesIngressNginx(configMap ?? manifests[0]!);
  const services = manifests.flatMap((f) => kubernetesServices(f));
  const out: IngressRoute[] = [];
  for (const file of manifests) {
    for (const ingress of kubernetesIngresses(file, global)) {
      if (!servedByIngressNginx(ingress)) continue;
      for (const rule of ingress.backends) {
        const service = services.find(
          (s) => s.name === rule.service && (s.namespace ?? null) === (ingress.namespace ?? null),
        );
        const backends = service ? serviceBackends(topology, service) : [];
        if (backends.length > 0)
          out.push({ file, ingress, rule, service: service!, backends, configMap });
      }
    }
  }
  return out;
}

/**
 * The app servers in the pods a Service selects; the only app server pasted without a pod when
 * the pods run something the topology does not read from the manifest.
 */
export function serviceBackends(topology: Topology, service: K8sService): Backend[] {
  if (Object.keys(service.selector).length === 0) return [];
  const selected = topology.workloads.filter(({ workload }) =>
    Object.entries(service.selector).every(([k, v]) => workload.labels[k] === v),
  );
  if (selected.length === 0) return [];
  const backends = topology.backends.filter(
    (b) =>
      b.pod !== undefined &&
      selected.some(({ workload }) => sameWorkload(workload, b.pod!.workload)),
  );
  const unpodded = topology.backends.filter((b) => !b.pod);
  return backends.length === 0 && unpodded.length === 1 ? unpodded : backends;
}

/** The topology reads workloads twice (for backends and for the list): compare by identity. */
function sameWorkload(
  a: { kind: string; name: string; namespace?: string },
  b: { kind: string; name: string; namespace?: string },
): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}
