/**
 * Which upstream block a server address nginx logged belongs to, so failures on
 * `10.0.3.17:8000`, `10.0.3.18:8000` and `http://shop_api/…` are one incident of `shop_api`.
 */
import type { NginxConfig } from '../formats/nginx/index.ts';
import { formatEndpoint, parseEndpoint } from './address.ts';

export function upstreamGroupOf(nginx: NginxConfig | null): (address: string) => string | null {
  const groups = new Map<string, string>();
  for (const upstream of nginx?.upstreams() ?? []) {
    if (upstream.context !== 'http') continue;
    groups.set(upstream.name.toLowerCase(), upstream.name);
    for (const server of upstream.servers) {
      const endpoint = parseEndpoint(server.address, 80);
      // An address in two upstream blocks cannot say which one failed: leave it ungrouped.
      if (endpoint) {
        const key = formatEndpoint(endpoint);
        groups.set(key, groups.has(key) && groups.get(key) !== upstream.name ? '' : upstream.name);
      }
    }
  }
  return (address) => {
    const endpoint = parseEndpoint(address, 80);
    const key = endpoint ? formatEndpoint(endpoint) : address.toLowerCase();
    return groups.get(key) || groups.get(address.toLowerCase()) || null;
  };
}
