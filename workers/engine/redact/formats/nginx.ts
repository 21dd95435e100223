/**
 * nginx: credentials by position. Header-setting directives whose header is a credential
 * (`proxy_set_header Authorization "Bearer …"`, `fastcgi_param DB_PASSWORD …`), `set $… "…"` of
 * secret-looking variables, `env NAME=value`, `secure_link_secret`, the literal part of
 * `secure_link_md5`, inline `ssl_certificate_key data:…`, and the keys of a `map` whose source
 * is a credential header (`map $http_x_api_key $client { "…" one; }`). Values that are nginx
 * variables (`$http_authorization`) are references and stay.
 */
import type { Candidate } from '../types.ts';
import { authSchemeLength, isNonSecretValue, isTemplateOrMasked } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';
import { nginxStatements, type Word } from './nginx-lexer.ts';

/** Directives of the form `<directive> <header or param name> <value>`. */
const NAME_VALUE_DIRECTIVES = new Set([
  'proxy_set_header',
  'grpc_set_header',
  'add_header',
  'add_trailer',
  'fastcgi_param',
  'uwsgi_param',
  'scgi_param',
  'more_set_input_headers_kv',
  'proxy_set_body_param',
]);
/** `more_set_headers "Name: value"` (headers-more module) carry name and value in one word. */
const COLON_HEADER_DIRECTIVES = new Set(['more_set_headers', 'more_set_input_headers']);
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'private-token',
  'x-vault-token',
  'x-consul-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'ocp-apim-subscription-key',
  'x-functions-key',
  'http_authorization',
  'x-jwt-assertion',
]);

/** Directives any rule below looks at (plus `*certificate_key` and entries of `map` blocks). */
const INTERESTING = new Set([
  ...NAME_VALUE_DIRECTIVES,
  ...COLON_HEADER_DIRECTIVES,
  'set',
  'env',
  'secure_link_secret',
  'secure_link_md5',
]);

export function findNginxSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  const push = (w: Word, start: number, end: number, kind: string) => {
    if (end > start)
      out.push({ start: w.start + start, end: w.start + end, kind, layer: 'format' });
  };
  nginxStatements(text, (st) => {
    const head = st.words[0]!;
    // nginx directive names are case-sensitive: no lower-casing needed.
    const directive = head.text;
    if (
      !INTERESTING.has(directive) &&
      st.parent !== 'map' &&
      !directive.endsWith('certificate_key')
    ) {
      return;
    }
    const args = st.words.slice(1);
    if (NAME_VALUE_DIRECTIVES.has(directive) && args.length >= 2) {
      headerValue(args[0]!.text, args[1]!, push);
    } else if (COLON_HEADER_DIRECTIVES.has(directive)) {
      for (const a of args) {
        const colon = a.text.indexOf(':');
        if (colon <= 0 || a.text.startsWith('-')) continue;
        let v = colon + 1;
        while (a.text[v] === ' ') v++;
        headerValue(
          a.text.slice(0, colon),
          { ...a, text: a.text.slice(v), start: a.start + v },
          push,
        );
      }
    } else if (directive === 'set' && args.length >= 2) {
      const kind = secretKindOfName(args[0]!.text.replace(/^\$/, ''));
      if (kind && !isNonSecretValue(args[1]!.text, true, kind))
        push(args[1]!, 0, args[1]!.text.length, kind);
    } else if (directive === 'env' && args.length >= 1) {
      const eq = args[0]!.text.indexOf('=');
      const kind = eq > 0 ? secretKindOfName(args[0]!.text.slice(0, eq)) : null;
      if (kind && !isNonSecretValue(args[0]!.text.slice(eq + 1), true, kind))
        push(args[0]!, eq + 1, args[0]!.text.length, kind);
    } else if (directive === 'secure_link_secret' && args.length >= 1) {
      if (!isTemplateOrMasked(args[0]!.text))
        push(args[0]!, 0, args[0]!.text.length, 'secure-link-secret');
    } else if (directive === 'secure_link_md5' && args.length >= 1) {
      literalParts(args[0]!, (s, e) => push(args[0]!, s, e, 'secure-link-secret'));
    } else if (
      /certificate_key$/.test(directive) &&
      args.length >= 1 &&
      args[0]!.text.startsWith('data:')
    ) {
      if (!isTemplateOrMasked(args[0]!.text.slice(5)))
        push(args[0]!, 5, args[0]!.text.length, 'private-key');
    } else if (st.parent === 'map' && args.length >= 1) {
      const source = st.parentWords[1]?.text ?? '';
      const kind = mapSourceKind(source);
      const key = head;
      if (
        kind &&
        !/^(?:default|hostnames|include|volatile)$/.test(directive) &&
        !isTemplateOrMasked(key.text) &&
        key.text.length >= 6
      ) {
        push(key, key.text.startsWith('~') ? 1 : 0, key.text.length, kind);
      }
    }
  });
  return out;
}

type Push = (w: Word, start: number, end: number, kind: string) => void;

/** Redacts `value` when header/param `name` carries a credential; keeps the auth scheme word. */
function headerValue(name: string, value: Word, push: Push): void {
  const lower = name.toLowerCase();
  const kind = CREDENTIAL_HEADERS.has(lower) ? headerKind(lower) : secretKindOfName(name);
  if (!kind) return;
  const from = authSchemeLength(value.text);
  const secret = value.text.slice(from);
  if (isTemplateOrMasked(secret) || /^(?:true|false|on|off)$/i.test(secret)) return;
  push(value, from, value.text.length, kind);
}

function headerKind(lower: string): string {
  if (lower.includes('authorization')) return 'credential';
  if (lower === 'cookie') return 'cookie';
  if (lower.includes('key')) return 'api-key';
  return 'token';
}

/** `$http_x_api_key`, `$arg_token`, `$cookie_session_secret` as a map's source: keys are secrets. */
function mapSourceKind(source: string): string | null {
  const m = /^\$(?:http_|arg_|cookie_)?(.+)$/.exec(source);
  if (!m) return null;
  const name = m[1]!;
  if (name === 'authorization') return 'credential';
  return secretKindOfName(name);
}

/** Calls `fn` for each literal run in a `secure_link_md5` expression (variables are not secret). */
function literalParts(word: Word, fn: (start: number, end: number) => void): void {
  const re = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\s+/g;
  let last = 0;
  let m: RegExpExecArray | null;
  const flush = (end: number) => {
    if (end - last >= 3) fn(last, end);
  };
  while ((m = re.exec(word.text)) !== null) {
    flush(m.index);
    last = m.index + m[0].length;
  }
  flush(word.text.length);
}
