/**
 * Google Kubernetes Engine's load balancer, as manifests show it: an Ingress of class `gce` (or
 * `gce-internal`) gets a Google Cloud Application Load Balancer that sends straight to the pods
 * (container-native, or through a NodePort). It keeps idle connections to them 600 s — fixed
 * for the classic balancer, so Google's docs ask backends to keep theirs longer — and waits
 * `timeoutSec` of the Service's BackendConfig (30 s by default) for a response.
 */
import { isScalar, type Node } from 'yaml';
import { get, lineOf, str } from './nodes.ts';
import { k8sObjects, type K8sObject } from './objects.ts';
import type { K8sService } from './services.ts';
import type { YamlFile } from './yamlfile.ts';

export interface BackendConfig {
  name: string;
  namespace?: string;
  /** The object, to edit (setBackendTimeout). */
  object: K8sObject;
  /** `spec.timeoutSec` with its line, or null when the BackendConfig leaves the default. */
  timeoutSec: { value: string | null; line: number } | null;
}

export function backendConfigs(y: YamlFile): BackendConfig[] {
  return k8sObjects(y)
    .filter((o) => o.kind === 'BackendConfig')
    .map((o) => {
      const node = get(o.doc, o.node, 'spec', 'timeoutSec') as Node | undefined;
      return {
        name: o.name,
        ...(o.namespace ? { namespace: o.namespace } : {}),
        object: o,
        timeoutSec:
          node && isScalar(node) ? { value: str(node), line: lineOf(y.starts, node) } : null,
      };
    });
}

/** An Ingress class GKE's own controller serves. */
export function isGkeClass(className: string | null): boolean {
  return className === 'gce' || className === 'gce-internal';
}

/**
 * The BackendConfig a Service names (`cloud.google.com/backend-config`, or its `beta.` form):
 * `{"default": "name"}` for every port, else the first of `{"ports": {"80": "name"}}`.
 */
export function backendConfigName(service: K8sService): string | null {
  const annotation =
    service.annotations['cloud.google.com/backend-config'] ??
    service.annotations['beta.cloud.google.com/backend-config'];
  if (!annotation?.value) return null;
  try {
    const parsed = JSON.parse(annotation.value) as {
      default?: unknown;
      ports?: Record<string, unknown>;
    };
    if (typeof parsed.default === 'string') return parsed.default;
    const first = Object.values(parsed.ports ?? {}).find((v) => typeof v === 'string');
    return typeof first === 'string' ? first : null;
  } catch {
    return null;
  }
}
