/** Kubernetes manifests: workloads, containers (and the gunicorn/uWSGI they run), Ingress, ingress-nginx ConfigMap. */
import type { ParsedFile } from '../types.ts';
import type { FormatHandler } from '../types.ts';
import { isComposeFile } from '../gunicorn/launch.ts';
import type { EffectiveSettings } from '../gunicorn/text.ts';
import { ingressEffective, ingresses, ingressNginxSettings, type K8sIngress } from './ingress.ts';
import { backendConfigs, type BackendConfig } from './gke.ts';
import { workloads, type K8sContainer, type K8sWorkload } from './objects.ts';
import { parseKubernetes, type KubernetesTree } from './parse.ts';
import { containerRuntime, type ContainerRuntime } from './runtime.ts';
import {
  containerPorts,
  services,
  templateLabels,
  type ContainerPort,
  type K8sService,
} from './services.ts';

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  // Docker Compose is YAML with containers too, but not Kubernetes.
  if (isComposeFile(name, head)) return 0;
  const yamlName = /\.(ya?ml)$/i.test(name);
  const api = /^[ \t]*["']?apiVersion["']?[ \t]*:[ \t]*["']?[\w./-]/m.test(head);
  const kind = /^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?[A-Z]\w/m.test(head);
  if (api && kind) return yamlName ? 0.97 : 0.9;
  if (kind && /^[ \t]*(metadata|spec|containers)[ \t]*:/m.test(head)) return 0.75;
  if (
    yamlName &&
    /^[ \t]*(?:-[ \t]*)?(containers|image|terminationGracePeriodSeconds)[ \t]*:/m.test(head)
  )
    return 0.55;
  return 0;
}

export const handler: FormatHandler<KubernetesTree> = {
  kind: 'kubernetes',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseKubernetes,
};

export interface WorkloadView extends Omit<K8sWorkload, 'containers'> {
  /** Pod template labels (what Service selectors match). */
  labels: Record<string, string>;
  containers: (K8sContainer & { runtime: ContainerRuntime; ports: ContainerPort[] })[];
}

/** Workloads with their containers and what each runs (gunicorn/uWSGI settings with lines). */
export function kubernetesWorkloads(parsed: ParsedFile<KubernetesTree>): WorkloadView[] {
  return workloads(parsed.tree, parsed.name).map((w) => ({
    ...w,
    labels: templateLabels(w, w.podSpecPath),
    containers: w.containers.map((c) => ({
      ...c,
      runtime: containerRuntime(w.doc, c, parsed.name, parsed.tree.starts),
      ports: containerPorts(parsed.tree, w, c.node),
    })),
  }));
}

/** GKE BackendConfigs (their `timeoutSec`): what a Service's Google Cloud balancer waits. */
export function kubernetesBackendConfigs(parsed: ParsedFile<KubernetesTree>): BackendConfig[] {
  return backendConfigs(parsed.tree);
}

/** Services with their selectors and port → targetPort mappings. */
export function kubernetesServices(parsed: ParsedFile<KubernetesTree>): K8sService[] {
  return services(parsed.tree);
}

/** Ingresses with their effective ingress-nginx settings (annotation > ConfigMap in the same file > default). */
export function kubernetesIngresses(
  parsed: ParsedFile<KubernetesTree>,
  global?: EffectiveSettings,
): (K8sIngress & { settings: EffectiveSettings })[] {
  const g = global ?? ingressNginxSettings(parsed.tree, parsed.name);
  return ingresses(parsed.tree).map((i) => ({
    ...i,
    settings: ingressEffective(i, g, parsed.name),
  }));
}

/** ingress-nginx global settings from the ConfigMap(s) in this file, over the controller defaults. */
export function kubernetesIngressNginx(parsed: ParsedFile<KubernetesTree>): EffectiveSettings {
  return ingressNginxSettings(parsed.tree, parsed.name);
}

export { parseKubernetes, type KubernetesTree } from './parse.ts';
export {
  addPreStopHook,
  setContainerField,
  setIngressAnnotation,
  setBackendTimeout,
  setIngressNginxConfig,
  setTerminationGracePeriod,
  type ContainerTarget,
} from './edit.ts';
export {
  setContainerGunicornSetting,
  setContainerHypercornSetting,
  setContainerUvicornSetting,
} from './edit-args.ts';
export { INGRESS_NGINX_DEFAULTS, K8S_DEFAULTS, K8S_FEATURES } from './defaults.ts';
export type { K8sWorkload, K8sContainer, PreStopInfo, ProbeInfo, EnvVar } from './objects.ts';
export type { K8sIngress, IngressBackend } from './ingress.ts';
export type { ContainerRuntime } from './runtime.ts';
export type { K8sService, ServicePort, ContainerPort } from './services.ts';
export { serviceElb } from './services.ts';
export { backendConfigName, isGkeClass, type BackendConfig } from './gke.ts';
