/**
 * Which setting, variable, header or parameter NAMES hold credentials.
 * Names are split into words (snake_case, kebab-case, camelCase, dotted) so that `DB_PASSWORD`,
 * `dbPassword` and `db.password` read alike, and a name is rejected when its last word says the
 * value is about a secret rather than the secret itself (`secretName`, `PASSWORD_FILE`,
 * `token_url`, `secretKeyRef`): the false positives detect-secrets and gitleaks warn about.
 */

/** Last words that make a name describe a secret instead of holding one. */
const DESCRIBING_SUFFIXES = new Set([
  'file',
  'files',
  'path',
  'paths',
  'dir',
  'directory',
  'name',
  'names',
  'id',
  'ids',
  'url',
  'urls',
  'uri',
  'endpoint',
  'host',
  'hostname',
  'port',
  'user',
  'username',
  'login',
  'email',
  'length',
  'len',
  'size',
  'timeout',
  'ttl',
  'expiry',
  'expires',
  'expire',
  'expiration',
  'age',
  'lifetime',
  'type',
  'types',
  'mode',
  'enabled',
  'enable',
  'disabled',
  'required',
  'header',
  'headers',
  'field',
  'ref',
  'refs',
  'policy',
  'algorithm',
  'alg',
  'count',
  'min',
  'max',
  'version',
  'prefix',
  'suffix',
  'format',
  'hint',
  'location',
  'method',
  'source',
  'provider',
  'env',
  'var',
  'variable',
  'manager',
  'store',
  'backend',
  'reset',
  'rotation',
  'interval',
  'pattern',
  'regex',
  'validator',
  'validators',
  'hasher',
  'hashers',
  'template',
  'class',
  'module',
  'path',
  'mount',
  'volume',
  'namespace',
  'label',
  'selector',
  'scope',
  'scopes',
  'audience',
  'issuer',
  'mapping',
  'map',
]);

const DIGEST_WORDS = new Set([
  'checksum',
  'digest',
  'sha1',
  'sha256',
  'sha512',
  'md5',
  'fingerprint',
]);

/** Words that alone make a name a credential. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passwords',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'apikey',
  'credential',
  'credentials',
  'creds',
  'salt',
  'authorization',
  'privatekey',
  'secretkey',
  'accesskey',
  'authtoken',
  'accesstoken',
  'clientsecret',
]);

/** Words that make a following `key` a credential (`api_key`, `SIGNING_KEY`, `accountKey`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'sign',
  'encryption',
  'encrypt',
  'crypt',
  'master',
  'session',
  'auth',
  'client',
  'app',
  'application',
  'shared',
  'hmac',
  'account',
  'storage',
  'service',
  'license',
  'licence',
  'rsa',
  'ssh',
  'gpg',
  'pgp',
  'jwt',
  'cipher',
  'aes',
  'webhook',
  'subscription',
  'consumer',
  'admin',
  'root',
  'deploy',
  'write',
  'read',
  'sas',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `x-api-key`, `$secure_link.secret` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * The kind of credential a name holds (`password`, `token`, `api-key`, `aws-secret-key`,
 * `private-key`, `secret`), or null when the name is not a credential's.
 */
export function secretKindOfName(name: string): string | null {
  // A name holding a placeholder is redacted text being read again, not a name.
  if (name.length > 120 || name.includes('«')) return null;
  const words = nameWords(name);
  if (words.length === 0) return null;
  const last = words[words.length - 1]!;
  if (DESCRIBING_SUFFIXES.has(last)) return null;
  // `checksum/secret`, `secret_sha256`: a digest of a secret is published on purpose.
  if (words.some((w) => DIGEST_WORDS.has(w))) return null;
  // Names that point at where a secret is kept (Helm's `existingSecret`,
  // `existingSecretPasswordKey`, `passwordKey: admin-password`): the value is a name.
  if (words[0] === 'existing') return null;
  const prevLast = words.length > 1 ? words[words.length - 2]! : '';
  if (last === 'key' && /^(?:password|passwd|token|credentials?)$/.test(prevLast)) return null;
  // Annotation and label keys (`nginx.ingress.kubernetes.io/auth-secret: basic-auth`) hold
  // settings and object names; a real key in one is still caught by the vendor layer.
  if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+\/./i.test(name)) return null;
  let kind: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const prev = i > 0 ? words[i - 1]! : '';
    if (
      w === 'password' ||
      w === 'passwd' ||
      w === 'passwords' ||
      w === 'pwd' ||
      w === 'passphrase'
    ) {
      return 'password';
    }
    if (w === 'pass' && i === words.length - 1) return 'password';
    if (w === 'key' && KEY_QUALIFIERS.has(prev)) {
      kind ??=
        prev === 'api'
          ? 'api-key'
          : prev === 'private' || prev === 'rsa' || prev === 'ssh'
            ? 'private-key'
            : 'secret';
    } else if (w === 'token' || w === 'tokens' || w === 'authtoken' || w === 'accesstoken') {
      kind ??= 'token';
    } else if (w === 'apikey') {
      kind ??= 'api-key';
    } else if (w === 'privatekey') {
      kind ??= 'private-key';
    } else if (
      (w === 'signature' || w === 'hmac') &&
      words.slice(i + 1).every((x) => /^(?:[0-9]+|sha[0-9]*|v[0-9])$/.test(x))
    ) {
      // `X-Hub-Signature-256`, `X-Slack-Signature`, `hmac`: a request's signature can be replayed.
      kind ??= 'signature';
    } else if (w === 'auth' && i === words.length - 1) {
      kind ??= 'credential';
    } else if (SECRET_WORDS.has(w)) {
      kind ??= w === 'authorization' ? 'credential' : 'secret';
    }
  }
  if (kind === 'secret' && words.includes('aws')) return 'aws-secret-key';
  return kind;
}
