/**
 * Stage 5, topology: the request path as rules see it. For each nginx location: what it
 * passes to, the upstream block and its connection pool, and the app server listening there
 * (gunicorn, uWSGI, Node.js, possibly inside a Kubernetes pod), each with its effective
 * settings and where every value came from.
 */
import type { ParsedFile } from '../formats/types.ts';
import { buildConfig, type NginxConfig, type NginxFile } from '../formats/nginx/index.ts';
import {
  kubernetesWorkloads,
  type KubernetesTree,
  type WorkloadView,
} from '../formats/kubernetes/index.ts';
import { collectBackends, type Backend } from './backends.ts';
import { buildRoutes, type Route } from './routes.ts';

export interface Topology {
  nginxVersion: string;
  /** All nginx files of the incident as one config, or null when none was given. */
  nginx: NginxConfig | null;
  routes: Route[];
  backends: Backend[];
  /** Every workload in the pasted Kubernetes manifests, with the file it came from. */
  workloads: { file: string; workload: WorkloadView }[];
  /** Every parsed config file (redacted text), nginx included. */
  files: readonly ParsedFile[];
}

export function buildTopology(files: readonly ParsedFile[], nginxVersion: string): Topology {
  const nginxFiles = files.filter((f): f is NginxFile => f.kind === 'nginx');
  const nginx = nginxFiles.length > 0 ? buildConfig(nginxFiles) : null;
  const backends = collectBackends(files);
  return {
    nginxVersion,
    nginx,
    routes: nginx ? buildRoutes(nginx, backends) : [],
    backends,
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
export { routeLabel } from './routes.ts';
export { upstreamGroupOf } from './groups.ts';
export {
  connects,
  parseEndpoint,
  formatEndpoint,
  isLoopback,
  isWildcard,
  type Endpoint,
} from './address.ts';
