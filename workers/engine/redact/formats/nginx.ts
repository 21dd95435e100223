/**
 * nginx: credentials by position. Header-setting directives whose header is a credential
 * (`proxy_set_header Authorization "Bearer …"`, `fastcgi_param DB_PASSWORD …`), `env
 * NAME=value`, `secure_link_secret`, the literal part of `secure_link_md5`, inline
 * `ssl_certificate_key data:…`, and the keys of a `map` whose source is a credential header
 * (`map $http_x_api_key $client { "…" one; }`).
 *
 * Values follow variables: a variable is a credential when its name says so (`$api_token`) or
 * when it feeds one — a credential header or parameter, a secret URL query argument
 * (`proxy_pass http://a?key=$k`), or another credential variable (`set $auth "Bearer $t"`). The
 * literal values such a variable is given, by `set`, `map`, `geo` or `split_clients`, are
 * secrets. Variables themselves (`$http_authorization`) are references and stay.
 */
import type { Candidate } from '../types.ts';
import { authSchemeLength, isNonSecretValue, isTemplateOrMasked } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';
import { nginxStatements, type Statement, type Word } from './nginx-lexer.ts';

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
  'env',
  'secure_link_secret',
  'secure_link_md5',
]);
/** Blocks whose entries give their last `$variable` a value: `map $a $b { key value; }`. */
const VALUE_BLOCKS = new Set(['map', 'geo', 'split_clients']);
/** Entries of those blocks that are settings, not values. */
const BLOCK_SETTINGS = /^(?:hostnames|include|volatile|ranges|delete|proxy|proxy_recursive)$/;
/** Directives whose URL argument may carry a secret query argument fed by a variable. */
const URL_DIRECTIVES = new Set(['proxy_pass', 'return', 'rewrite', 'grpc_pass', 'auth_request']);
/** Statements that can make a variable a credential (and block entries, by their parent). */
const FEEDING = new Set([
  'set',
  ...VALUE_BLOCKS,
  ...NAME_VALUE_DIRECTIVES,
  ...COLON_HEADER_DIRECTIVES,
  ...URL_DIRECTIVES,
]);

/** Below this size a file's statements are kept for both passes of findNginxSecrets. */
const KEEP_STATEMENTS_BELOW = 64 * 1024;

/** Hands every statement of a text to `visit`, in order. */
type Statements = (visit: (st: Statement) => void) => void;

export function findNginxSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  const push = (w: Word, start: number, end: number, kind: string) => {
    if (end > start)
      out.push({ start: w.start + start, end: w.start + end, kind, layer: 'format' });
  };
  // Two passes over the statements: which variables hold credentials, then what to hide. A
  // small file's statements are read once and kept for both (a fleet's dump is tens of
  // thousands of small files); a big one is read twice and none kept, so it stays cheap.
  const kept = text.length <= KEEP_STATEMENTS_BELOW ? nginxStatements(text) : null;
  const each: Statements = kept
    ? (visit) => kept.forEach(visit)
    : (visit) => void nginxStatements(text, visit);
  const credentials = credentialVariables(each);
  each((st) => {
    const head = st.words[0]!;
    // nginx directive names are case-sensitive: no lower-casing needed.
    const directive = head.text;
    // Values given to credential variables.
    if (directive === 'set' && st.words.length >= 3) {
      const kind = credentials.get(variableName(st.words[1]!.text));
      if (kind) literalValue(st.words[2]!, kind, push);
      return;
    }
    if (VALUE_BLOCKS.has(st.parent) && st.words.length >= 2 && !BLOCK_SETTINGS.test(directive)) {
      const kind = credentials.get(variableName(lastVariable(st.parentWords)));
      if (kind) literalValue(st.words[1]!, kind, push);
    }
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

const VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g;

function variableName(word: string): string {
  return word.replace(/^\$\{?/, '').replace(/\}$/, '');
}

function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1]!);
}

/** `map $src $dst`, `geo $dst`, `split_clients "$src" $dst`: the variable the block sets. */
function lastVariable(words: readonly Word[]): string {
  for (let i = words.length - 1; i > 0; i--)
    if (words[i]!.text.startsWith('$')) return words[i]!.text;
  return '';
}

/**
 * Every variable that holds a credential, with its kind: by name, by what it feeds (headers,
 * parameters, secret query arguments), and by feeding another such variable, to a fixed point.
 */
function credentialVariables(each: Statements): Map<string, string> {
  const kinds = new Map<string, string>();
  const mark = (name: string, kind: string) => {
    if (name && !kinds.has(name)) kinds.set(name, kind);
  };
  /** What each variable is built from: `set $a "…$b…"`, and a map's values. */
  const sources = new Map<string, string[]>();
  const feeds = (target: string, value: string) => {
    const vars = variablesIn(value);
    if (vars.length) sources.set(target, [...(sources.get(target) ?? []), ...vars]);
  };
  each((st) => {
    const directive = st.words[0]!.text;
    if (!FEEDING.has(directive) && !VALUE_BLOCKS.has(st.parent)) return;
    const args = st.words.slice(1);
    if (directive === 'set' && args.length >= 2) {
      const name = variableName(args[0]!.text);
      const byName = secretKindOfName(name);
      if (byName) mark(name, byName);
      feeds(name, args[1]!.text);
    } else if (VALUE_BLOCKS.has(directive) && st.end === '{') {
      const name = variableName(lastVariable(st.words));
      const byName = name ? secretKindOfName(name) : null;
      if (byName) mark(name, byName);
    } else if (VALUE_BLOCKS.has(st.parent) && args.length >= 1) {
      feeds(variableName(lastVariable(st.parentWords)), args[0]!.text);
    } else if (NAME_VALUE_DIRECTIVES.has(directive) && args.length >= 2) {
      const kind = headerCredentialKind(args[0]!.text);
      if (kind) for (const v of variablesIn(args[1]!.text)) mark(v, kind);
    } else if (COLON_HEADER_DIRECTIVES.has(directive)) {
      for (const a of args) {
        const colon = a.text.indexOf(':');
        const kind = colon > 0 ? headerCredentialKind(a.text.slice(0, colon)) : null;
        if (kind) for (const v of variablesIn(a.text.slice(colon + 1))) mark(v, kind);
      }
    } else if (URL_DIRECTIVES.has(directive)) {
      for (const a of args)
        for (const m of a.text.matchAll(
          /[?&]([A-Za-z0-9_.-]{1,64})=\$\{?([A-Za-z_][A-Za-z0-9_]*)/g,
        )) {
          const kind = secretKindOfName(m[1]!);
          if (kind) mark(m[2]!, kind);
        }
    }
  });
  // A credential variable built from others makes them credentials too.
  for (let changed = true; changed;) {
    changed = false;
    for (const [target, from] of sources) {
      const kind = kinds.get(target);
      if (!kind) continue;
      for (const v of from)
        if (!kinds.has(v)) {
          kinds.set(v, kind);
          changed = true;
        }
    }
  }
  return kinds;
}

/** The literal parts of a value given to a credential variable (its auth scheme word stays). */
function literalValue(word: Word, kind: string, push: Push): void {
  const from = authSchemeLength(word.text);
  const rest: Word = { ...word, text: word.text.slice(from), start: word.start + from };
  if (!rest.text.includes('$')) {
    if (!isNonSecretValue(rest.text, true, kind)) push(rest, 0, rest.text.length, kind);
    return;
  }
  literalParts(rest, (s, e) => {
    if (!isNonSecretValue(rest.text.slice(s, e), true, kind)) push(rest, s, e, kind);
  });
}

type Push = (w: Word, start: number, end: number, kind: string) => void;

/** The kind of credential header or parameter `name` carries, or null. */
function headerCredentialKind(name: string): string | null {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADERS.has(lower) ? headerKind(lower) : secretKindOfName(name);
}

/** Redacts `value` when header/param `name` carries a credential; keeps the auth scheme word. */
function headerValue(name: string, value: Word, push: Push): void {
  const kind = headerCredentialKind(name);
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
