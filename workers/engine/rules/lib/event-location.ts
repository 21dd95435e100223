/**
 * The nginx block that handled a logged request: the location nginx picks for the event's
 * path on its Host (or, failing that, the `server:` name nginx logged), else the server
 * level when no location matches. Rules read limits and buffers "in the context that serves
 * that path" from here.
 */
import type { LogEvent } from '../../model.ts';
import type { ConfigNode, LocationInfo, NginxConfig } from '../../formats/nginx/index.ts';
import { parseUpstream } from '../../logs/index.ts';
import type { Route } from '../../topology/index.ts';
import { matchLocation, matchServer } from './location-match.ts';
import { eventsForRoute } from './route-events.ts';

export interface EventContext {
  /** The location nginx used, or null when the server level served the request. */
  location: LocationInfo | null;
  /** The block to read effective values from and to put a fix in. */
  node: ConfigNode | null;
  /** For people: "example.com location /upload/" or "example.com (server level)". */
  label: string;
}

export function eventContext(config: NginxConfig, event: LogEvent): EventContext | null {
  const host = field(event, 'host') ?? field(event, 'server');
  const path = event.path ?? '/';
  const server = matchServer(config, host);
  if (!server) return null;
  const location = matchLocation(config, host, path);
  // A server the inputs only imply goes by the name the log line gives it.
  const name =
    server.names.find((n) => n !== '_' && n !== '') ?? (location?.node.assumed && host) ?? 'server';
  if (location) {
    const modifier = location.modifier ? `${location.modifier} ` : '';
    const assumed = location.node.assumed ? ` (${location.node.assumed})` : '';
    return {
      location,
      node: location.node,
      label: `${name} location ${modifier}${location.path}${assumed}`,
    };
  }
  return { location: null, node: server.node, label: `${name} (server level)` };
}

function field(event: LogEvent, key: string): string | null {
  const v = event.fields?.[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The route's events of `kinds`: those naming its upstream or servers (route-events.ts), plus
 * — when a target is a DNS name (a container, a Service) — events nginx logged with the
 * resolved IP on the target's port whose request nginx would route to this very location.
 */
export function eventsOnRoute(
  config: NginxConfig,
  route: Route,
  events: readonly LogEvent[],
  kinds: readonly string[],
): LogEvent[] {
  const direct = new Set(eventsForRoute(events, route, kinds));
  const named = route.targets.filter(
    (t) =>
      t.endpoint?.type === 'tcp' &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(t.endpoint.host) &&
      !t.endpoint.host.startsWith('[') &&
      t.endpoint.host !== 'localhost',
  );
  if (named.length > 0) {
    for (const e of events) {
      if (direct.has(e) || e.source !== 'nginx-error' || !kinds.includes(e.kind) || !e.upstream)
        continue;
      const parts = parseUpstream(e.upstream);
      if (!parts?.host || !/^\d+\.\d+\.\d+\.\d+$|^[0-9a-f:]+$/i.test(parts.host)) continue;
      const port = parts.port ?? (parts.scheme === 'https' ? 443 : 80);
      if (!named.some((t) => t.endpoint?.type === 'tcp' && t.endpoint.port === port)) continue;
      if (eventContext(config, e)?.location?.node === route.location.node) direct.add(e);
    }
  }
  return events.filter((e) => direct.has(e));
}
