/**
 * The servers a route passes to, as nginx counts them for retries: every `server` line of the
 * upstream block that is not `down` (backups included: nginx tries them too), or the address
 * in the *_pass. A host name (not an IP, not loopback) may resolve to several addresses, and
 * nginx then uses each as a server.
 */
import type { Evidence } from '../../model.ts';
import { isLoopback, type Route } from '../../topology/index.ts';

export interface Peers {
  count: number;
  /** Host names that may resolve to several addresses (each one a server to nginx). */
  hostnames: string[];
  lines: Evidence[];
}

export function peers(route: Route): Peers {
  const servers = route.upstream
    ? route.upstream.servers.filter((s) => !s.params.includes('down'))
    : [];
  const targets = route.upstream
    ? route.targets.filter((t) => servers.some((s) => s.line === t.line && s.file === t.file))
    : route.targets;
  const hostnames = targets
    .filter(
      (t) =>
        t.endpoint?.type === 'tcp' &&
        !isLoopback(t.endpoint.host) &&
        !/^(\d+\.){3}\d+$|^\[/.test(t.endpoint.host) &&
        !(route.upstream && t.endpoint.host === route.upstream.name.toLowerCase()),
    )
    .map((t) => t.address);
  return {
    count: route.upstream ? servers.length : targets.length,
    hostnames,
    lines: targets.map((t) => ({ file: t.file, line: t.line, note: `server ${t.address}` })),
  };
}
