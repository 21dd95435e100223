/**
 * Which decoded events belong to a given upstream: nginx names either the group
 * (`http://shop_api/cart` in "no live upstreams") or the server it tried
 * (`http://10.0.3.17:8000/cart`), so both spellings are matched.
 */
import type { LogEvent } from '../model.ts';
import type { UpstreamInfo } from '../formats/nginx/index.ts';
import { parseUpstream } from '../logs/index.ts';

export function eventsForUpstream(
  events: readonly LogEvent[],
  upstream: UpstreamInfo,
  kinds?: readonly string[],
): LogEvent[] {
  const names = new Set([
    upstream.name.toLowerCase(),
    ...upstream.servers.map((s) => normaliseAddress(s.address)),
  ]);
  return events.filter((event) => {
    if (kinds && !kinds.includes(event.kind)) return false;
    if (!event.upstream) return false;
    const parts = parseUpstream(event.upstream);
    return parts !== null && names.has(normaliseAddress(parts.address));
  });
}

/** `unix:/run/a.sock` as nginx writes it in an upstream block; host names compare case-insensitively. */
function normaliseAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('unix:') ? 'unix:/' + a.slice(5).replace(/^\/+/, '') : a;
}
