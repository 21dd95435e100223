/**
 * Who a load balancer in front sends to: nginx (its config pasted, or ingress-nginx shown by the
 * manifests), or the app servers themselves — the pods of an ALB Ingress's Services, or every
 * app server pasted when nothing shows an nginx between.
 */
import type { EffectiveSettings } from '../../formats/gunicorn/index.ts';
import type { ParsedFile } from '../../formats/types.ts';
import {
  kubernetesIngresses,
  kubernetesIngressNginx,
  type KubernetesTree,
} from '../../formats/kubernetes/index.ts';
import type { Backend, Front, Topology } from '../../topology/index.ts';
import { servedByIngressNginx, serviceBackends } from './ingress-routes.ts';

/** The first manifest showing ingress-nginx (its ConfigMap, or an Ingress it serves). */
export function ingressNginxManifest(
  topology: Topology,
): { file: ParsedFile<KubernetesTree>; global: EffectiveSettings } | null {
  for (const f of topology.files) {
    if (f.kind !== 'kubernetes') continue;
    const file = f as ParsedFile<KubernetesTree>;
    const global = kubernetesIngressNginx(file);
    const configMap = Object.values(global).some((v) => 'file' in v.source);
    if (configMap || kubernetesIngresses(file, global).some(servedByIngressNginx))
      return { file, global };
  }
  return null;
}

/** The app servers the balancer sends to with nothing between; null when it sends to nginx. */
export function directBackends(topology: Topology, front: Front): Backend[] | null {
  if (front.services)
    return [...new Set(front.services.flatMap((s) => serviceBackends(topology, s)))];
  if (topology.nginx || ingressNginxManifest(topology)) return null;
  return topology.backends;
}
