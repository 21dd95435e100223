/**
 * What a location sends upstream in the `Connection` header of an ORDINARY request (one without
 * an `Upgrade` header), after proxy_set_header inheritance, nginx's version default and a
 * `map $http_upgrade $var { … }` when the header is a variable. Shared by keepalive-race (a pool
 * only races when ordinary requests keep their connection) and upgrade-header (which rewrites a
 * hard-coded "upgrade" into such a map), so the two read the header the same way.
 */
import {
  atLeast,
  effective,
  parseVersion,
  type ConfigNode,
  type Effective,
  type LocationInfo,
  type NginxConfig,
} from '../../formats/nginx/index.ts';

export interface ConnectionHeader {
  /** As written ("close", "", "upgrade", "$connection_upgrade") or "close (default)". */
  written: string;
  /** The value an ordinary request carries (a map resolved for an empty $http_upgrade). */
  ordinary: string;
  /** Whether an ordinary request may leave its upstream connection open for reuse. */
  keepsAlive: boolean;
  /** The proxy_set_header line, or null when nginx's default applies. */
  entry: { file: string; line: number } | null;
  /** The map that computes the header, when it is a variable mapped from $http_upgrade. */
  map: ConfigNode | null;
  /** Every proxy_set_header entry in effect (for the Upgrade check). */
  headers: Effective;
}

export function connectionHeader(
  config: NginxConfig,
  location: LocationInfo,
  nginxVersion: string,
): ConnectionHeader {
  const headers = effective(config, location, 'proxy_set_header', nginxVersion);
  const entry = (headers.entries ?? []).find((e) => e.value[0]?.toLowerCase() === 'connection');
  if (!entry) {
    // Before 1.29.7 the proxy module adds "Connection: close" to every proxied request.
    const version = parseVersion(nginxVersion);
    const closes = version === null || !atLeast(version, '1.29.7');
    const value = closes ? 'close' : '';
    return {
      written: closes ? 'close (default)' : '(not sent)',
      ordinary: value,
      keepsAlive: !closes,
      entry: null,
      map: null,
      headers,
    };
  }
  const written = entry.value[1] ?? '';
  const map = written.startsWith('$') ? findMap(config, written) : null;
  const ordinary = map ? mapValue(map, '') : written;
  return {
    written,
    ordinary,
    // A variable no map of $http_upgrade explains may hold anything: assume it keeps alive.
    keepsAlive: ordinary.toLowerCase() !== 'close',
    entry: { file: entry.file, line: entry.line },
    map,
    headers,
  };
}

/** The `map $http_upgrade $name { … }` block defining `$name`, or null. */
export function findMap(config: NginxConfig, variable: string): ConfigNode | null {
  return (
    config
      .nodes()
      .find(
        (n) =>
          n.name === 'map' &&
          n.directive.block !== undefined &&
          n.args[1] === variable &&
          n.args[0]?.toLowerCase() === '$http_upgrade',
      ) ?? null
  );
}

/** Any map (whatever its source) that defines `$name`: nginx rejects a second one. */
export function mapDefining(config: NginxConfig, variable: string): ConfigNode | null {
  return (
    config
      .nodes()
      .find((n) => n.name === 'map' && n.directive.block !== undefined && n.args[1] === variable) ??
    null
  );
}

/** The map's value for an exact source string (no regex entries are evaluated: they are rare here). */
export function mapValue(map: ConfigNode, source: string): string {
  let fallback = '';
  for (const c of map.children) {
    if (c.name === 'default') fallback = c.args[0] ?? '';
    else if (c.name === source && c.args.length === 1) return c.args[0] ?? '';
  }
  return fallback;
}

/** Whether the location forwards the client's Upgrade header (a WebSocket-capable location). */
export function setsUpgrade(headers: Effective): boolean {
  return (headers.entries ?? []).some((e) => e.value[0]?.toLowerCase() === 'upgrade');
}
