import { describe, expect, it } from 'vitest';
import { redactText } from '../../workers/engine/redact/index.ts';
import { findAuthHeaders } from '../../workers/engine/redact/common/auth-header.ts';
import { findCommandLineSecrets } from '../../workers/engine/redact/common/cli.ts';
import { findKeywordAssignments } from '../../workers/engine/redact/common/generic.ts';
import { findNameValuePairs } from '../../workers/engine/redact/common/name-value.ts';
import { findCookies } from '../../workers/engine/redact/common/cookie.ts';
import { findQuerySecrets } from '../../workers/engine/redact/common/query.ts';
import { findUriCredentials } from '../../workers/engine/redact/common/uri.ts';
import type { Detector } from '../../workers/engine/redact/types.ts';
import { Fake } from './fake.ts';

const f = new Fake(7);
const found = (detect: Detector, text: string) =>
  detect(text).map((c) => text.slice(c.start, c.end));

describe('credentials in URIs', () => {
  it('takes the password of any scheme, keeps user, host and path', () => {
    for (const scheme of [
      'postgres',
      'postgresql',
      'mysql',
      'redis',
      'rediss',
      'amqp',
      'amqps',
      'mongodb+srv',
      'https',
      'ftp',
    ]) {
      const pw = f.password();
      const url = `${scheme}://app_user:${pw}@db.internal:5432/app?sslmode=require`;
      expect(found(findUriCredentials, `DATABASE_URL=${url}`)).toEqual([pw]);
      expect(redactText(`url: "${url}"`, 'log').text).toBe(
        `url: "${scheme}://app_user:«redacted:password:1»@db.internal:5432/app?sslmode=require"`,
      );
    }
  });
  it('handles an empty user (redis://:pass@) and @ inside the password', () => {
    expect(found(findUriCredentials, 'redis://:s3cr3tPass@cache:6379/0')).toEqual(['s3cr3tPass']);
    expect(found(findUriCredentials, 'amqp://guest:p@ss@rabbit:5672/')).toEqual(['p@ss']);
  });
  it('takes a token used as the user (https://TOKEN@host)', () => {
    const token = f.mixed(32);
    expect(found(findUriCredentials, `git clone https://${token}@git.example.com/x.git`)).toEqual([
      token,
    ]);
  });
  it('near misses: no userinfo, plain user names, templated passwords, emails', () => {
    for (const text of [
      'proxy_pass http://127.0.0.1:8000/api;',
      'git@github.com:org/repo.git',
      'ssh://git@github.com/org/repo',
      'postgres://user:${DB_PASSWORD}@db/app',
      'postgres://user:$(DB_PASSWORD)@db/app',
      'redis://:{{ .Values.redis.password }}@r:6379',
      'mailto:someone@example.com',
      'http://[::1]:8080/health',
      'postgres://user:****@db/app',
    ]) {
      expect(found(findUriCredentials, text), text).toEqual([]);
    }
  });
});

describe('Authorization values (Basic/Bearer)', () => {
  it('keeps the scheme word, hides the credential', () => {
    const token = f.mixed(40);
    const basic = btoa('admin:' + f.password());
    expect(redactText(`curl -H "Authorization: Bearer ${token}" https://api`, 'log').text).toBe(
      'curl -H "Authorization: Bearer «redacted:bearer-token:1»" https://api',
    );
    expect(found(findAuthHeaders, `Authorization: Basic ${basic}`)).toEqual([basic]);
    // No header name, but a Basic value that decodes to user:password is still one.
    expect(found(findAuthHeaders, `creds Basic ${basic}`)).toEqual([basic]);
    expect(found(findAuthHeaders, `sent bearer ${token}`)).toEqual([token]);
  });
  it('near misses: prose, variables, short words', () => {
    for (const text of [
      '# For API clients using Bearer tokens',
      'Authorization: Bearer $token',
      'proxy_set_header Authorization "Basic $http_basic";',
      'The Token expired yesterday',
      'basic authentication is enabled',
      'Bearer realm="api"',
    ]) {
      expect(found(findAuthHeaders, text), text).toEqual([]);
    }
  });
});

describe('secrets in URL query strings', () => {
  it('finds access_token, api_key, signatures in logged URLs', () => {
    const t = f.mixed(30);
    const line = `"GET /stream?user=1&access_token=${t}&x=2 HTTP/1.1"`;
    expect(found(findQuerySecrets, line)).toEqual([t]);
    const sig = f.mixed(44);
    expect(
      found(findQuerySecrets, `https://b.blob.core.windows.net/c/f?sv=2020-08-04&sig=${sig}`),
    ).toEqual([sig]);
    const amz = f.hex(64);
    expect(found(findQuerySecrets, `/o?X-Amz-Signature=${amz}&X-Amz-Date=20240101`)).toEqual([amz]);
  });
  it('near misses: nginx variables, masked values, ordinary keys', () => {
    for (const text of [
      'return 302 /login?token=$arg_token;',
      'GET /api?access_token=REDACTED HTTP/1.1',
      '?token=XXXXXX',
      '/search?key=value&page=2',
      '/cache?code=200',
      '/login?next=/home',
    ]) {
      expect(found(findQuerySecrets, text), text).toEqual([]);
    }
  });
});

describe('command lines', () => {
  it('-e/--env NAME=value, quoted values with spaces whole', () => {
    expect(found(findCommandLineSecrets, 'gunicorn -e DB_PASSWORD="a b c" app:app')).toEqual([
      'a b c',
    ]);
    expect(found(findCommandLineSecrets, "docker run --env API_TOKEN='x y z1' img")).toEqual([
      'x y z1',
    ]);
    expect(found(findCommandLineSecrets, 'gunicorn --env=SECRET_KEY=abc123xyz app')).toEqual([
      'abc123xyz',
    ]);
    expect(found(findCommandLineSecrets, 'mysql --password hunter2secret -h db')).toEqual([
      'hunter2secret',
    ]);
  });
  it('near misses: non-secret names, flags that describe secrets', () => {
    for (const text of [
      'gunicorn -e DJANGO_SETTINGS_MODULE=app.settings app:app',
      'controller --secret-name ingress-nginx-admission',
      'tool --password-file /run/secrets/db',
      'tool --token-ttl 3600',
      'tool --password --verbose',
    ]) {
      expect(found(findCommandLineSecrets, text), text).toEqual([]);
    }
  });
});

describe('keyword + value layer', () => {
  it('finds assignments in every common syntax', () => {
    const v = f.password(16);
    for (const text of [
      `DB_PASSWORD=${v}`,
      `db_password = "${v}"`,
      `"password": "${v}"`,
      `password: ${v}`,
      `  apiKey: '${v}'`,
      `SECRET_KEY := ${v}`,
      `:auth_token => "${v}"`,
      `spring.datasource.password=${v}`,
      `--client-secret=${v}`,
    ]) {
      expect(
        found((t) => findKeywordAssignments(t), text),
        text,
      ).toEqual([v]);
    }
  });
  it('names the kind from the key', () => {
    const kinds = (t: string) => findKeywordAssignments(t).map((c) => c.kind);
    expect(kinds('DB_PASSWORD=abcdef12')).toEqual(['password']);
    expect(kinds('AWS_SECRET_ACCESS_KEY=abcdef12')).toEqual(['aws-secret-key']);
    expect(kinds('GITHUB_TOKEN=abcdef12')).toEqual(['token']);
    expect(kinds('STRIPE_API_KEY=abcdef12')).toEqual(['api-key']);
  });
  it('near misses from detect-secrets/gitleaks filters', () => {
    for (const text of [
      'password: ${DB_PASSWORD}',
      'password: "{{ .Values.password }}"',
      "password = '%(db_password)s'",
      'password: <your-password>',
      'password_file: /run/secrets/db',
      'secretName: tls-cert',
      'automountServiceAccountToken: true',
      'TOKEN_TTL=3600',
      'SESSION_COOKIE_AGE=1209600',
      'password: ""',
      'secret_key = os.environ["SECRET_KEY"]',
      'token = get_token()',
      'if password == "x":',
      '# - $http_authorization: For API clients using Bearer tokens',
      'token: used to sign the session cookie',
      'keepalive_timeout: 65',
      'ssl_certificate_key: /etc/ssl/private/key.pem',
      'password: ********',
      'api_key=«redacted:api-key:1»',
      'checksum/secret: 0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'nginx.ingress.kubernetes.io/auth-secret: basic-auth',
      'nginx.ingress.kubernetes.io/auth-tls-secret: default/ca-secret',
      'existingSecret: my-release-postgresql',
      'existingSecretPasswordKey: postgres-password',
      'passwordKey: admin-password',
      'auth: ldap',
      'authorization: oauth2',
    ]) {
      expect(
        found((t) => findKeywordAssignments(t), text),
        text,
      ).toEqual([]);
    }
  });
  it('a comma inside a value is part of it; a comma and a space end it', () => {
    expect(found((t) => findKeywordAssignments(t), 'password: a1,b2,c3')).toEqual(['a1,b2,c3']);
    expect(found((t) => findKeywordAssignments(t), '{password: a1b2c3, user: x}')).toEqual([
      'a1b2c3',
    ]);
  });
  it('a Compose file pasted as unknown is read as YAML', () => {
    const text =
      'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: s3cret, with a comma\n';
    // The keyword layer alone would stop at `, `; the YAML reader takes the whole plain scalar.
    expect(redactText(text, 'unknown').text).toContain(
      'POSTGRES_PASSWORD: «redacted:password:1»\n',
    );
  });
  it('reads on inside a value that is not a secret', () => {
    const text = 'password: ${DB_PASS} token: s3cr3tv4lue99';
    expect(found((t) => findKeywordAssignments(t), text)).toEqual(['s3cr3tv4lue99']);
  });
  it('ignores unquoted (code) values when told to (Python)', () => {
    expect(
      found((t) => findKeywordAssignments(t, { unquoted: false }), 'secret_key = SECRET'),
    ).toEqual([]);
    expect(
      found((t) => findKeywordAssignments(t, { unquoted: false }), "secret_key = 'abc123xyz'"),
    ).toEqual(['abc123xyz']);
  });
});

describe('name/value pairs', () => {
  it('XML app settings and JSON env entries', () => {
    const v = f.password();
    const find = (t: string) => findNameValuePairs(t).map((c) => t.slice(c.start, c.end));
    expect(find(`<add key="DbPassword" value="${v}" />`)).toEqual([v]);
    expect(find(`{"name":"API_TOKEN","value":"${v}"}`)).toEqual([v]);
    expect(find(`{"name": "LOG_LEVEL", "value": "debug"}`)).toEqual([]);
    expect(find(`<add key="Timeout" value="30" />`)).toEqual([]);
    expect(find(`{"name":"DB_PASSWORD","value":"$(DB_PASSWORD)"}`)).toEqual([]);
  });
});

describe('cookies in pasted headers', () => {
  it('session-like values go, preferences and attributes stay', () => {
    const sid = f.mixed(32);
    const r = redactText(
      `Cookie: theme=dark; sessionid=${sid}; lang=en\nSet-Cookie: csrftoken=${f.mixed(20)}; Path=/; Max-Age=3600`,
      'log',
    );
    expect(r.text).toBe(
      'Cookie: theme=dark; sessionid=«redacted:cookie:1»; lang=en\nSet-Cookie: csrftoken=«redacted:cookie:2»; Path=/; Max-Age=3600',
    );
    expect(found(findCookies, 'Cookie: a=b; pref=compact')).toEqual([]);
    expect(found(findCookies, 'proxy_set_header Cookie $http_cookie;')).toEqual([]);
  });
});

describe('numbers', () => {
  it('a number under a password name is a password; under other names a count', () => {
    expect(found((t) => findKeywordAssignments(t), 'DB_PASSWORD=123456')).toEqual(['123456']);
    expect(found((t) => findKeywordAssignments(t), 'max_tokens: 4096')).toEqual([]);
    expect(
      redactText('- name: DB_PASSWORD\n  value: "123456"\n', 'kubernetes').redactions.length,
    ).toBe(1);
  });
});
