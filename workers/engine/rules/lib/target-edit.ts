/**
 * Rewriting where nginx connects: the address in an upstream `server` line or in a *_pass
 * argument, touching only those characters (scheme, URI, parameters and spacing stay).
 */
import type { Edit } from '../../model.ts';
import type { Directive, NginxConfig } from '../../formats/nginx/index.ts';
import type { Target } from '../../topology/index.ts';
import { targetAddress } from './connect-failures.ts';

/** The directive a route target was read from (upstream `server` or the *_pass). */
export function targetDirective(config: NginxConfig, target: Target): Directive | null {
  const file = config.file(target.file);
  if (!file) return null;
  return (
    file
      .directives()
      .find(
        (d) => d.line === target.line && (d.name === 'server' || /_pass$/.test(d.name)) && !d.block,
      ) ?? null
  );
}

/**
 * Edits that make `target` read `replacement` (`127.0.0.1:8000`, `unix:/run/app.sock`).
 * Empty when the argument is quoted or does not contain the address as written.
 */
export function replaceTarget(config: NginxConfig, target: Target, replacement: string): Edit[] {
  const d = targetDirective(config, target);
  const file = config.file(target.file);
  if (!d || !file) return [];
  const raw = /^[^\s;'"]+/.exec(file.text.slice(d.argsStart, d.argsEnd))?.[0];
  if (!raw) return [];
  const address = targetAddress(target);
  const at = raw.indexOf(address);
  if (at < 0) return [];
  let end = at + address.length;
  let text = replacement;
  const inUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  // In a URL a socket path ends with ':' before the URI (http://unix:/run/a.sock:/x).
  if (inUrl && address.startsWith('unix:') && raw[end] === ':') end++;
  if (inUrl && replacement.startsWith('unix:') && end < raw.length) text += ':';
  if (raw.slice(at, end) === text) return [];
  return [{ file: file.name, start: d.argsStart + at, end: d.argsStart + end, text }];
}
