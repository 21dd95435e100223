/**
 * Secrets in URL query strings (`?access_token=…`, `&api_key=…`, `&sig=…`,
 * `X-Amz-Signature=…`), as they appear in access logs, error logs and `return`/`proxy_pass`
 * targets. Each `?`/`&` starts one bounded attempt, so nested URLs are still seen.
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const PARAM = /[?&]([A-Za-z0-9_.[\]-]{1,64})=/g;
const VALUE_END = new Set(['&', ' ', '\t', '\n', '\r', '"', "'", '#', '<', '>', '`', ';']);
/** Names that hold secrets in URLs but not in configs (signatures of pre-signed URLs). */
const URL_SECRETS: Record<string, string> = {
  sig: 'signature',
  signature: 'signature',
  'x-amz-signature': 'signature',
  'x-amz-security-token': 'token',
  'x-amz-credential': 'aws-credential',
  'x-goog-signature': 'signature',
  'x-goog-credential': 'gcp-credential',
  code: 'oauth-code',
  key: 'api-key',
  sessionid: 'session',
  jsessionid: 'session',
  phpsessid: 'session',
};

export function findQuerySecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  PARAM.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PARAM.exec(text)) !== null) {
    const name = m[1]!;
    const urlKind = URL_SECRETS[name.toLowerCase()];
    const kind = urlKind ?? secretKindOfName(name);
    if (kind === null) continue;
    const start = PARAM.lastIndex;
    let end = start;
    while (end < text.length && end - start < 4096 && !VALUE_END.has(text[end]!)) end++;
    const value = text.slice(start, end);
    if (isNonSecretValue(decodeSafely(value))) continue;
    // `key=`, `code=`, `sig=` also name ordinary things: only random-looking values count.
    if (urlKind !== undefined && (value.length < 12 || !/[0-9]/.test(value))) continue;
    out.push({ start, end, kind, layer: 'common' });
  }
  return out;
}

function decodeSafely(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
