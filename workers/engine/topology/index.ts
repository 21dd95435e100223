/**
 * Stage 5, topology: the request path as rules see it. Today it holds the nginx config (with
 * includes resolved) and the other parsed configs; the per-hop effective settings with
 * provenance grow here (issue: the diagnosis).
 */
import type { ParsedFile } from '../formats/types.ts';
import { buildConfig, type NginxConfig, type NginxFile } from '../formats/nginx/index.ts';

export interface Topology {
  nginxVersion: string;
  /** All nginx files of the incident as one config, or null when none was given. */
  nginx: NginxConfig | null;
  /** Every parsed config file (redacted text), nginx included. */
  files: readonly ParsedFile[];
}

export function buildTopology(files: readonly ParsedFile[], nginxVersion: string): Topology {
  const nginxFiles = files.filter((f): f is NginxFile => f.kind === 'nginx');
  return {
    nginxVersion,
    nginx: nginxFiles.length > 0 ? buildConfig(nginxFiles) : null,
    files,
  };
}
