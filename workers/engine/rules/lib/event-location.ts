/**
 * The nginx block that handled a logged request: the location nginx picks for the event's
 * path on its Host (or, failing that, the `server:` name nginx logged), else the server
 * level when no location matches. Rules read limits and buffers "in the context that serves
 * that path" from here.
 */
import type { LogEvent } from '../../model.ts';
import type { ConfigNode, LocationInfo, NginxConfig } from '../../formats/nginx/index.ts';
import { matchLocation, matchServer } from './location-match.ts';

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
