/**
 * Which nginx version the analysis assumes: the user's choice, else one found in the inputs
 * (`nginx -v`/`-V`/`-T` output, `Server: nginx/…` headers), else an explicit assumption that
 * the page and the CLI show. Defaults differ by version (keepalive, proxy_http_version…).
 */
import type { Report, SourceFile } from '../model.ts';
import { ASSUMED_NGINX_VERSION, findNginxVersion } from '../formats/nginx/index.ts';

export function resolveNginxVersion(
  inputs: readonly SourceFile[],
  requested: string | undefined,
): { version: string; source: NonNullable<Report['nginxVersionSource']> } {
  if (requested) return { version: requested, source: 'user' };
  for (const input of inputs) {
    const found = findNginxVersion(input.text);
    if (found) return { version: found, source: 'input' };
  }
  return { version: ASSUMED_NGINX_VERSION, source: 'assumed' };
}
