/**
 * Stage 5, topology: the request path as rules see it. The load balancers in front of nginx;
 * for each nginx location: what it
 * passes to, the upstream block and its connection pool, and the app server listening there
 * (gunicorn, uWSGI, Node.js, possibly inside a Kubernetes pod), each with its effective
 * settings and where every value came from.
 */
import type { ParsedFile } from '../formats/types.ts';
import {
  buildConfig,
  fragmentContext,
  type NginxConfig,
  type NginxFile,
} from '../formats/nginx/index.ts';
import {
  kubernetesIngresses,
  kubernetesWorkloads,
  type KubernetesTree,
  type WorkloadView,
} from '../formats/kubernetes/index.ts';
import { collectBackends, type Backend } from './backends.ts';
import { buildRoutes, type Route } from './routes.ts';
import type { Observed } from './observed.ts';
import { collectFronts, type Front } from './fronts.ts';

export interface Topology {
  nginxVersion: string;
  /** All nginx files of the incident as one config, or null when none was given. */
  nginx: NginxConfig | null;
  routes: Route[];
  backends: Backend[];
  /** Load balancers in front of nginx (fronts.ts). */
  fronts: Front[];
  /** Every workload in the pasted Kubernetes manifests, with the file it came from. */
  workloads: { file: string; workload: WorkloadView }[];
  /** Every parsed config file (redacted text), nginx included. */
  files: readonly ParsedFile[];
}

/**
 * `observed`: what the logs say about the configs that ran (observed.ts), used where no pasted
 * config says it.
 */
export function buildTopology(
  files: readonly ParsedFile[],
  nginxVersion: string,
  observed: Observed = { nginx: [], listeners: [] },
): Topology {
  const nginxFiles = files.filter((f): f is NginxFile => f.kind === 'nginx');
  const fromConfigs = collectBackends(files);
  // What nginx logged stands in for its config only where it joins something pasted (a loose
  // fragment, an app server) and no Ingress says how the controller routes; a log alone stays a
  // log, whose values are unknown rather than defaults.
  const joins =
    fromConfigs.length > 0 || nginxFiles.some((f) => fragmentContext(f).context === 'location');
  const ingress = files.some(
    (f) =>
      f.kind === 'kubernetes' && kubernetesIngresses(f as ParsedFile<KubernetesTree>).length > 0,
  );
  const logged = joins && !ingress ? observed.nginx : [];
  const nginx = nginxFiles.length > 0 || logged.length > 0 ? buildConfig(nginxFiles, logged) : null;
  const backends =
    observed.listeners.length > 0 ? collectBackends(files, observed.listeners) : fromConfigs;
  return {
    nginxVersion,
    nginx,
    routes: nginx ? buildRoutes(nginx, backends) : [],
    backends,
    fronts: collectFronts(files),
    workloads: files
      .filter((f) => f.kind === 'kubernetes')
      .flatMap((f) =>
        kubernetesWorkloads(f as ParsedFile<KubernetesTree>).map((workload) => ({
          file: f.name,
          workload,
        })),
      ),
    files,
  };
}

export type { Route, BackendLink, Target } from './routes.ts';
export type { Backend, Listener, Protocol } from './backends.ts';
export type { Front } from './fronts.ts';
export { routeLabel } from './routes.ts';
export { upstreamGroupOf } from './groups.ts';
export { observe, type Observed } from './observed.ts';
export {
  connects,
  parseEndpoint,
  formatEndpoint,
  isLoopback,
  isWildcard,
  type Endpoint,
} from './address.ts';
