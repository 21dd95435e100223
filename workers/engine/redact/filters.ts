/**
 * Values that sit where a credential would but are not one: references to where the secret
 * really lives, templates, paths, switches, numbers, placeholders and values already masked.
 * After detect-secrets' heuristic filters and gitleaks' global allowlist, written for the
 * configs this tool reads (nginx variables, envsubst, Helm/Jinja, m4, Python `%(x)s`).
 */

const SWITCHES =
  /^(?:true|false|yes|no|on|off|null|none|nil|undefined|enabled?|disabled?|required|optional|~|-|_)$/i;
/** A number, or a number with a short unit: ports, timeouts, sizes. */
const NUMBERISH = /^[0-9]{1,6}(?:\.[0-9]+)?[a-z]{0,2}$/i;
/** Crypt(3)-style password hashes start with `$`: they are still worth hiding. */
const CRYPT_HASH = /^\$(?:2[abxy]?|apr1|1|5|6|y|argon2(?:id|i|d)?|scrypt|pbkdf2[-\w]*)\$/;
/** `$var`, `${var}`, `$(cmd)`: a reference, not a value (nginx, shell, envsubst, uWSGI). */
const VARIABLE_START = /^\$[A-Za-z_{(]/;
const TEMPLATE_MARKERS = ['${', '{{', '{%', '%(', '#{', '<%', '[[', '@@', 'M4_', '«redacted:'];
/** `<your-password>`, `{token}`, `%TOKEN%`, `@TOKEN@`, `__TOKEN__`: placeholders to fill in. */
const WRAPPED_PLACEHOLDER =
  /^(?:<[^<>]*>|\{[^{}]*\}|%[A-Za-z_][A-Za-z0-9_]*%|@[A-Za-z_][A-Za-z0-9_]*@|__[A-Za-z0-9_]+__)$/;
const ALREADY_MASKED = /^(?:[*xX•#.]{3,}|\[?(?:redacted|masked|hidden|removed|secret)\]?)$/i;
const PATHLIKE = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:)/;
const KEY_FILE_EXT =
  /\.(?:pem|key|crt|cer|cert|der|p12|pfx|jks|keystore|json|txt|conf|ini|ya?ml|env|gpg|asc)$/i;
/** Content digests (image references, SRI, checksum annotations): public by design. */
const DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b?)[:-][A-Za-z0-9+/=_-]+$/i;

/**
 * True when `value` (as written, without its quotes) cannot be a credential.
 * `quoted` says whether the value was a string literal: an unquoted `get_secret()` or
 * `settings.TOKEN` is code that fetches the secret, a quoted one is a value. `kind` is the
 * credential kind the name says, when there is a name.
 */
export function isNonSecretValue(value: string, quoted = true, kind?: string): boolean {
  const v = value.trim();
  if (v.length < 3) return true;
  if (SWITCHES.test(v)) return true;
  // Under a password name, digits are a (weak) password; elsewhere a count, port or timeout.
  if (NUMBERISH.test(v) && !(kind === 'password' && /^[0-9]{4,}$/.test(v))) return true;
  // `auth: ldap`, `authorization: oauth2`: a method, not a credential.
  if (kind === 'credential' && /^[A-Za-z][a-z0-9-]{0,11}$/.test(v)) return true;
  if (isTemplateOrMasked(v)) return true;
  if (PATHLIKE.test(v) || (KEY_FILE_EXT.test(v) && !/\s/.test(v))) return true;
  if (DIGEST.test(v)) return true;
  if (!quoted && /[([]/.test(v)) return true;
  if (!quoted && /^(?:os\.|env\.|ENV\b|process\.env|settings\.|config\.|self\.)/.test(v))
    return true;
  // Unquoted `ngx.var.http_x_token`, `a.b.c`: an expression, not a literal.
  if (!quoted && /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){2,}$/.test(v)) return true;
  return false;
}

/**
 * True for a reference or a placeholder rather than a value (`$PASS`, `${PASS}`, `{{ .pass }}`,
 * `%(pass)s`, `<password>`, `****`, an earlier `«redacted:…»`): the narrowest filter, used
 * where the position alone says "credential" (URI passwords, Authorization headers).
 */
export function isTemplateOrMasked(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (VARIABLE_START.test(v) && !CRYPT_HASH.test(v)) return !secretBesides(v);
  for (const marker of TEMPLATE_MARKERS) if (v.includes(marker)) return !secretBesides(v);
  if (/^%[-+ #0-9.]*[sdrx]$/.test(v)) return true;
  // `<set to the key 'password' in secret 'db'>` (kubectl describe), `<none>`, `<unset>`.
  if (/^<[A-Za-z]/.test(v)) return true;
  return WRAPPED_PLACEHOLDER.test(v) || ALREADY_MASKED.test(v);
}

/** Template expressions and earlier placeholders, each bounded so the scan stays linear. */
const TEMPLATE_PARTS =
  /\$\{[^}]{0,200}\}|\$\([^)]{0,200}\)|\$[A-Za-z_][A-Za-z0-9_]{0,100}|\{\{[^}]{0,200}\}\}|\{%[^%]{0,200}%\}|%\([^)]{0,100}\)[-+ #0-9.]{0,8}[a-z]|#\{[^}]{0,200}\}|<%[^%]{0,200}%>|\[\[[^\]]{0,200}\]\]|@@[^@]{0,100}@@|M4_[A-Za-z0-9_]{1,100}|«redacted:[a-z0-9-]{1,60}:[0-9]{1,9}»/g;

/**
 * Whether a value holding a template or a placeholder also holds a literal that looks like a
 * key (`Bearer ${PREFIX}sk_live_…`, `{{ .x }}-4f9aK2…`, a secret glued to an earlier placeholder):
 * then it is a value, not a reference, and must be hidden.
 */
function secretBesides(value: string): boolean {
  for (const piece of value.replace(TEMPLATE_PARTS, ' ').split(/[^A-Za-z0-9+/=_.~-]+/))
    if (piece.length >= 12 && /[0-9]/.test(piece) && /[A-Za-z]/.test(piece)) return true;
  return false;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** 8-4-4-4-12 hex: an identifier far more often than a secret when nothing else says so. */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/**
 * A value with no name to go by looks random enough to be a key: long, varied, and not an
 * identifier, a digest, a path or a word.
 */
export function looksRandom(s: string, minLength = 20): boolean {
  if (s.length < minLength || !/^[A-Za-z0-9+/=_.~-]+$/.test(s)) return false;
  if (isUuid(s) || isNonSecretValue(s)) return false;
  // Dotted names (`ssl.TLSVersion.TLSv1_3`, `app.settings.prod`) are code, not keys.
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(s)) return false;
  if (/^[0-9a-f]+$/i.test(s) && (s.length === 32 || s.length === 40 || s.length === 64))
    return false;
  if (!/[0-9]/.test(s) || !/[A-Za-z]/.test(s)) return false;
  return entropy(s) >= 3.5 && classSwitchRate(s) >= 0.3;
}

/**
 * How often consecutive characters change class (lower, upper, digit, other). Random keys
 * switch at about every other character; names like `gunicorn-http2-gevent` or
 * `ssl.TLSVersion.TLSv1_3` are runs of letters.
 */
function classSwitchRate(s: string): number {
  const cls = (c: string) =>
    c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3;
  let switches = 0;
  for (let i = 1; i < s.length; i++) if (cls(s[i]!) !== cls(s[i - 1]!)) switches++;
  return switches / (s.length - 1);
}

const AUTH_SCHEME =
  /^(?:Basic|Bearer|Token|Digest|Negotiate|ApiKey|Api-Key|JWT|SSWS|GoogleLogin)[ \t]+/i;

/** Length of a leading HTTP auth scheme word and its spaces (`Bearer `), else 0: the word stays. */
export function authSchemeLength(value: string): number {
  return AUTH_SCHEME.exec(value)?.[0].length ?? 0;
}
