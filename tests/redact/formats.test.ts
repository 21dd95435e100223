import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { redactText } from '../../workers/engine/redact/index.ts';
import { findDotenvSecrets } from '../../workers/engine/redact/formats/dotenv.ts';
import { findIniSecrets } from '../../workers/engine/redact/formats/ini.ts';
import { findYamlSecrets } from '../../workers/engine/redact/formats/kubernetes.ts';
import { nginxStatements } from '../../workers/engine/redact/formats/nginx-lexer.ts';
import { findNginxSecrets } from '../../workers/engine/redact/formats/nginx.ts';
import { findPythonSecrets } from '../../workers/engine/redact/formats/python.ts';
import { findSecretDataLines } from '../../workers/engine/redact/formats/secret-lines.ts';
import type { Detector } from '../../workers/engine/redact/types.ts';
import { Fake } from './fake.ts';

const f = new Fake(99);
const found = (detect: Detector, text: string) =>
  detect(text).map((c) => text.slice(c.start, c.end));
/** Words of every statement: what an nginx parser would see, placeholders included. */
const shape = (text: string) => nginxStatements(text).map((s) => `${s.words.length}${s.end}`);

describe('nginx', () => {
  it('credential headers: value goes, auth scheme word stays', () => {
    const t = f.mixed(32);
    const basic = btoa('svc:' + f.password());
    const conf = [
      'location /api/ {',
      `    proxy_set_header Authorization "Bearer ${t}";`,
      `    proxy_set_header Proxy-Authorization "Basic ${basic}";`,
      `    proxy_set_header X-Api-Key ${t}x;`,
      `    fastcgi_param DB_PASSWORD '${t}y';`,
      `    more_set_input_headers "X-Auth-Token: ${t}z";`,
      '    proxy_pass http://backend;',
      '}',
    ].join('\n');
    expect(found(findNginxSecrets, conf)).toEqual([t, basic, `${t}x`, `${t}y`, `${t}z`]);
    const r = redactText(conf, 'nginx');
    expect(r.text).toContain('proxy_set_header Authorization "Bearer «redacted:credential:1»";');
    expect(r.text).toContain('proxy_set_header X-Api-Key «redacted:api-key:1»;');
    expect(shape(r.text)).toEqual(shape(conf));
  });
  it('set $secret, env, secure_link_secret, secure_link_md5 literal, ssl key data:', () => {
    const s = f.password(20);
    const conf = [
      `env API_TOKEN=${s}1;`,
      'http {',
      `  set $api_secret "${s}2";`,
      `  set $jwt_signing_key ${s}3;`,
      `  secure_link_secret ${s}4;`,
      `  secure_link_md5 "$secure_link_expires$uri$remote_addr ${s}5";`,
      `  ssl_certificate_key "data:${s}6";`,
      '}',
    ].join('\n');
    expect(found(findNginxSecrets, conf)).toEqual([
      `${s}1`,
      `${s}2`,
      `${s}3`,
      `${s}4`,
      `${s}5`,
      `${s}6`,
    ]);
    expect(shape(redactText(conf, 'nginx').text)).toEqual(shape(conf));
  });
  it('map keyed by a credential header hides its keys', () => {
    const k1 = f.mixed(24);
    const k2 = f.mixed(24);
    const conf = `map $http_x_api_key $client {\n  default "";\n  "${k1}" one;\n  ${k2} two;\n}\n`;
    expect(found(findNginxSecrets, conf)).toEqual([k1, k2]);
    const r = redactText(conf, 'nginx');
    expect(r.text).toContain('default "";');
    expect(r.text).toContain('«redacted:api-key:1»" one;');
  });
  it('near misses: variables, empty values, ordinary headers and variables', () => {
    const conf = [
      'proxy_set_header Authorization $http_authorization;',
      'proxy_set_header Authorization "";',
      'proxy_set_header Host $host;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'add_header Access-Control-Allow-Headers "Authorization, Content-Type";',
      'add_header Access-Control-Allow-Credentials true;',
      "set $secret_token '';",
      "set $credentials '';",
      'set $backend_authentication_type "";',
      'secure_link_md5 "$secure_link_expires$uri$secure_link_secret";',
      'ssl_certificate_key /etc/ssl/private/site.key;',
      'ssl_certificate_key data:$ssl_key;',
      'auth_basic_user_file /etc/nginx/.htpasswd;',
      'server_tokens off;',
      'proxy_cache_key "$scheme$request_method$host$request_uri";',
      'map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
      "access_by_lua_block { local token = ngx.var.http_x_token -- don't log it\n }",
    ].join('\n');
    expect(found(findNginxSecrets, conf)).toEqual([]);
    expect(redactText(conf, 'nginx').redactions).toEqual([]);
  });
  it('Lua blocks are skipped, statements after them still read', () => {
    const t = f.mixed(30);
    const conf = `content_by_lua_block {\n  local s = "{ not a block"\n}\nproxy_set_header Authorization "Bearer ${t}";\n`;
    expect(found(findNginxSecrets, conf)).toEqual([t]);
  });
});

describe('gunicorn (Python)', () => {
  it('raw_env: credential-named values whole, other variables stay', () => {
    const conf = `raw_env = [\n    'DJANGO_SECRET_KEY=a b c d',\n    "DB_PASSWORD=p4ss word",  # comment\n    'SPAM=eggs',\n]\n`;
    expect(found(findPythonSecrets, conf)).toEqual(['a b c d', 'p4ss word']);
    const single = "raw_env = 'API_TOKEN=xyz123abc'\nworkers = 4\n";
    expect(found(findPythonSecrets, single)).toEqual(['xyz123abc']);
    const r = redactText(conf, 'gunicorn');
    expect(r.text).toContain("'DJANGO_SECRET_KEY=«redacted:secret:1»',");
    expect(r.text).toContain("'SPAM=eggs',");
  });
  it('quoted assignments go; code that fetches a secret stays', () => {
    const v = f.password();
    const conf = [
      `keyfile_password = "${v}"`,
      'ssl_key_password = os.environ.get("SSL_KEY_PASSWORD")',
      'secret_key = SECRET_KEY',
      "keyfile = '/etc/ssl/private/key.pem'",
      "certfile = '/etc/ssl/certs/cert.pem'",
      'timeout = 30',
    ].join('\n');
    const r = redactText(conf, 'gunicorn');
    expect(r.redactions.map((x) => x.line)).toEqual([1]);
    expect(r.text).not.toContain(v);
  });
});

describe('uWSGI / php-fpm ini', () => {
  it('env = NAME=value, env[NAME], credential keys, basicauth routes', () => {
    const ini = [
      '[uwsgi]',
      'env = DATABASE_PASSWORD=correct horse battery',
      'env = DJANGO_SETTINGS_MODULE=app.settings',
      'env[REDIS_PASSWORD] = "r3d1s pass"',
      'php_admin_value[mysql.default_password] = dbpw1234',
      'secret_key = abc 123 def',
      'route = ^/admin basicauth:Admin Area,admin:adm1nPass',
      'socket = /run/uwsgi/app.sock',
      'harakiri = 30',
    ].join('\n');
    expect(found(findIniSecrets, ini)).toEqual([
      'correct horse battery',
      'r3d1s pass',
      'dbpw1234',
      'abc 123 def',
      'adm1nPass',
    ]);
  });
  it('near misses: placeholders, comments, references', () => {
    const ini = [
      'env = DB_PASSWORD=$(DB_PASSWORD)',
      'env = SECRET_KEY=%(secret)s',
      'route = ^/admin basicauth:Admin Area,/etc/uwsgi/htpasswd',
      'logto = /var/log/uwsgi/%n.log',
    ].join('\n');
    expect(found(findIniSecrets, ini)).toEqual([]);
    expect(redactText(ini, 'uwsgi').redactions).toEqual([]);
  });
  it('a commented-out credential is still a credential (keyword layer)', () => {
    const ini = '[uwsgi]\n; password = 0ldPassw0rd\n';
    expect(found(findIniSecrets, ini)).toEqual([]);
    expect(redactText(ini, 'uwsgi').text).toBe('[uwsgi]\n; password = «redacted:password:1»\n');
  });
});

describe('Kubernetes / YAML', () => {
  const pw = f.password();
  const manifest = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: db',
    '  annotations:',
    `    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"${btoa(pw)}"}}'`,
    'type: Opaque',
    'data:',
    `  password: ${btoa(pw)}`,
    `  username: ${btoa('app')}`,
    'stringData:',
    '  config.json: |',
    `    {"token": "${f.mixed(20)}"}`,
    `  plain: "${pw}"`,
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  annotations:',
    '    checksum/secret: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    'spec:',
    '  template:',
    '    spec:',
    '      imagePullSecrets:',
    '        - name: regcred',
    '      containers:',
    '        - name: web',
    '          image: nginx@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    '          env:',
    '            - name: DB_PASSWORD',
    `              value: "${pw}"`,
    '            - name: API_TOKEN',
    `              value: ${f.mixed(24)} # inline`,
    '            - name: DB_PASSWORD_FROM_SECRET',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: db',
    '                  key: password',
    '            - name: LOG_LEVEL',
    '              value: debug',
    '            - name: UPSTREAM_TIMEOUT',
    '              value: "60"',
  ].join('\n');

  it('Secret data/stringData, env values by name, last-applied annotation', () => {
    const r = redactText(manifest, 'kubernetes');
    const lines = r.redactions.map((x) => x.line);
    expect(lines).toEqual([6, 9, 10, 13, 14, 32, 34]);
    expect(r.text).not.toContain(pw);
    expect(r.text).not.toContain(btoa(pw));
    // Structure intact: same documents, same keys, placeholders as plain scalars.
    const before = parseAllDocuments(manifest) as unknown as {
      toJS(): unknown;
      errors: unknown[];
    }[];
    const after = parseAllDocuments(r.text) as unknown as { toJS(): unknown; errors: unknown[] }[];
    expect(after.map((d) => d.errors.length)).toEqual([0, 0]);
    const keys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(keys)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keys(x)]))
          : 0;
    expect(after.map((d) => keys(d.toJS()))).toEqual(before.map((d) => keys(d.toJS())));
    // What the analysis needs stays.
    expect(r.text).toContain('value: debug');
    expect(r.text).toContain('value: "60"');
    expect(r.text).toContain('checksum/secret: 0f1e2d3c');
    expect(r.text).toContain('nginx@sha256:0f1e2d3c');
    expect(r.text).toContain('key: password');
  });
  it('a base64 Secret value shares its placeholder with the same secret in clear', () => {
    const r = redactText(manifest, 'kubernetes');
    const data = r.spans.find((s) => manifest.slice(s.start, s.end) === btoa(pw))!;
    const env = r.spans.find((s) => manifest.slice(s.start, s.end) === pw)!;
    expect(data.placeholder).toBe(env.placeholder);
  });
  it('a nginx.conf inside a ConfigMap is read with the nginx rules', () => {
    const t = f.mixed(30);
    const cm = `kind: ConfigMap\ndata:\n  default.conf: |\n    server {\n      proxy_set_header Authorization "Bearer ${t}";\n    }\n`;
    expect(found(findYamlSecrets, cm)).toEqual([t]);
  });
  it('Helm templates that are not valid YAML do not throw', () => {
    const tpl =
      'password: {{ .Values.password | quote }}\n{{- if .Values.x }}\n  token: {{ .Values.token }}\n{{- end }}\n';
    expect(() => findYamlSecrets(tpl)).not.toThrow();
    expect(redactText(tpl, 'kubernetes').redactions).toEqual([]);
  });
});

describe('.env files', () => {
  it('credential names, quoted multi-word values, unnamed random values', () => {
    const key = f.mixed(32);
    const env = [
      '# comment',
      'export DB_PASSWORD="two words"',
      "SECRET_KEY='x#not-a-comment'",
      `APP_KEY=base64:${key}`,
      `SOMETHING=${key}Q`,
      'PORT=8000',
      'DEBUG=true',
      'DJANGO_SETTINGS_MODULE=app.settings.prod',
      'ALLOWED_HOSTS=example.com,api.example.com',
      'TOKEN=${OTHER_TOKEN}',
      'IMAGE=registry.example.com/app@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    ].join('\n');
    expect(found(findDotenvSecrets, env)).toEqual([
      'two words',
      'x#not-a-comment',
      `base64:${key}`,
      `${key}Q`,
    ]);
    const r = redactText(env, 'dotenv');
    expect(r.text).toContain('PORT=8000');
    expect(r.text).toContain('export DB_PASSWORD="«redacted:password:1»"');
  });
});

describe('Kubernetes Secret data without a YAML parser', () => {
  it('hides data/stringData values in Helm-broken or huge manifests', () => {
    const a = f.mixed(24);
    const b = f.password(12);
    const text = [
      '{{- if .Values.enabled }}',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ include "app.fullname" . }}',
      'data:',
      `  api-key: ${a}`,
      '  from-values: {{ .Values.key | b64enc }}',
      'stringData:',
      `  password: "${b}"`,
      '  config.yaml: |',
      `    token: ${a}x`,
      `    other: ${b}y`,
      'type: Opaque',
      '{{- end }}',
    ].join('\n');
    const r = redactText(text, 'kubernetes');
    for (const s of [a, b, `${a}x`, `${b}y`]) expect(r.text).not.toContain(s);
    expect(r.text).toContain('from-values: {{ .Values.key | b64enc }}');
    expect(r.text).toContain('type: Opaque');
    expect(findSecretDataLines('kind: ConfigMap\ndata:\n  a: b\n')).toEqual([]);
  });
});

describe('kubectl get secrets -o yaml (kind: List)', () => {
  it('hides the data of every Secret item', () => {
    const a = btoa(f.password(12));
    const b = btoa(f.mixed(30));
    const text = [
      'apiVersion: v1',
      'items:',
      '- apiVersion: v1',
      '  data:',
      `    password: ${a}`,
      `    token: ${b}`,
      '  kind: Secret',
      '  metadata:',
      '    name: one',
      '- apiVersion: v1',
      '  data:',
      `    ca.crt: ${b}`,
      '  kind: ConfigMap',
      '  metadata:',
      '    name: not-a-secret',
      'kind: List',
    ].join('\n');
    expect([...new Set(found(findYamlSecrets, text))]).toEqual([a, b]);
    const r = redactText(text, 'kubernetes');
    expect(r.text).not.toContain(a);
    expect(r.text).not.toContain(b);
    // The ConfigMap's copy of the token goes too: a known secret is hidden wherever it appears.
    expect(r.text).toMatch(/ {4}ca\.crt: «redacted:[a-z0-9-]+:\d+»/);
  });
});

describe('Secret data lines across documents', () => {
  it('only Secret documents are read, offsets right in later documents', () => {
    const a = f.mixed(20);
    const text = `kind: ConfigMap\ndata:\n  a: keep-me\n---\nkind: Secret\ndata:\n  b: ${a}\n---\nkind: ConfigMap\ndata:\n  c: keep-me-too\n`;
    const got = findSecretDataLines(text).map((c) => text.slice(c.start, c.end));
    expect(got).toEqual([a]);
  });
});

describe('a Secret too large for the YAML reader', () => {
  it('still has every data value hidden (line-based reader)', () => {
    const values = Array.from({ length: 20000 }, () => f.mixed(24));
    const text = `apiVersion: v1\nkind: Secret\ndata:\n${values.map((v, i) => `  k${i}: ${v}`).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(512 * 1024);
    const r = redactText(text, 'kubernetes');
    expect(r.redactions.length).toBe(values.length);
    for (const v of values.slice(0, 50)) expect(r.text).not.toContain(v);
  });
});
