/**
 * Realistic inputs of every kind with generated secrets planted in every credential position
 * the redaction covers. `secrets` lists what must not survive in any output (for Kubernetes
 * `data`, both the base64 text and the value it encodes).
 */
import type { FileKind } from '../../workers/engine/model.ts';
import { Fake } from './fake.ts';

export interface Planted {
  name: string;
  kind: FileKind;
  text: string;
  secrets: string[];
}

export function plantedInputs(seed = 2024): Planted[] {
  const f = new Fake(seed);
  const out: Planted[] = [];
  const plant = (name: string, kind: FileKind, build: (s: (v: string) => string) => string) => {
    const secrets: string[] = [];
    const text = build((v) => {
      secrets.push(v);
      return v;
    });
    out.push({ name, kind, text, secrets });
  };

  plant('nginx.conf', 'nginx', (s) =>
    [
      `env API_TOKEN=${s(f.password(18))};`,
      'events {}',
      'http {',
      '    upstream app {',
      '        server 127.0.0.1:8000;',
      '        keepalive 16;',
      '    }',
      // A value that is a credential only because of where the variable ends up.
      '    map $host $partner {',
      `        default "${s(f.mixed(30))}";`,
      '    }',
      '    map $http_x_api_key $api_client {',
      '        default "";',
      `        "${s(f.mixed(32))}" client_one;`,
      '    }',
      '    server {',
      '        listen 443 ssl;',
      '        server_name api.example.com;',
      '        ssl_certificate /etc/ssl/certs/api.pem;',
      `        ssl_certificate_key "data:${f.privateKeyPem('PRIVATE KEY').replace(/\n([A-Za-z0-9+/]{64})/g, (_, l: string) => '\n' + s(l))}";`,
      '        location /api/ {',
      `            proxy_set_header Authorization "Bearer ${s(f.mixed(40))}";`,
      `            proxy_set_header X-Api-Key ${s(f.mixed(28))};`,
      `            set $jwt_secret "${s(f.password(24))}";`,
      '            proxy_set_header X-Partner-Auth "Token $partner";',
      '            proxy_http_version 1.1;',
      '            proxy_set_header Connection "";',
      '            proxy_read_timeout 60s;',
      '            proxy_pass http://app;',
      '        }',
      `        location /files/ { secure_link_secret ${s(f.password(16))}; }`,
      `        location /cb { return 302 https://auth.example.com/cb?access_token=${s(f.mixed(30))}; }`,
      '    }',
      '}',
      '',
    ].join('\n'),
  );

  plant('gunicorn.conf.py', 'gunicorn', (s) =>
    [
      'import os',
      'bind = "0.0.0.0:8000"',
      'workers = 4',
      'timeout = 30',
      'keepalive = 2',
      'raw_env = [',
      `    "DJANGO_SECRET_KEY=${s(f.password(40))}",`,
      `    "DATABASE_URL=postgres://app:${s(f.password(16))}@db:5432/app",`,
      `    "STRIPE_API_KEY=${s(f.stripe())}",`,
      "    'LOG_LEVEL=info',",
      ']',
      `keyfile_password = "${s(f.password(12))}"`,
      'certfile = "/etc/ssl/certs/app.pem"',
      'ssl_key_password = os.environ.get("SSL_KEY_PASSWORD")',
      '',
    ].join('\n'),
  );

  plant('uwsgi.ini', 'uwsgi', (s) =>
    [
      '[uwsgi]',
      'module = app.wsgi:application',
      'http-socket = :8000',
      'harakiri = 30',
      'max-requests = 1000',
      `env = DATABASE_PASSWORD=${s(f.password(15))}`,
      `env = SENTRY_DSN=https://${s(f.hex(32))}@o1.ingest.sentry.io/1`,
      `env = GITHUB_TOKEN=${s(f.github())}`,
      `route = ^/admin basicauth:Admin,admin:${s(f.password(10))}`,
      '',
    ].join('\n'),
  );

  plant('k8s.yaml', 'kubernetes', (s) => {
    const dbPassword = f.password(16);
    const b64 = btoa(dbPassword);
    s(dbPassword);
    const registryAuth = btoa('robot:' + s(f.mixed(30)));
    const dockerJson = JSON.stringify({
      auths: { 'registry.example.com': { auth: s(registryAuth) } },
    });
    const token = f.mixed(36);
    return [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app-secrets',
      '  annotations:',
      `    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","data":{"DB_PASSWORD":"${b64}"},"kind":"Secret"}'`,
      'type: Opaque',
      'data:',
      `  DB_PASSWORD: ${s(b64)}`,
      'stringData:',
      `  API_TOKEN: "${s(token)}"`,
      '  tls.key: |',
      f
        .privateKeyPem('EC PRIVATE KEY', '    ')
        .replace(/\n {4}([A-Za-z0-9+/]{64})/g, (_, l: string) => '\n    ' + s(l)),
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: regcred',
      'type: kubernetes.io/dockerconfigjson',
      'stringData:',
      `  .dockerconfigjson: '${dockerJson}'`,
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  template:',
      '    spec:',
      '      terminationGracePeriodSeconds: 30',
      '      containers:',
      '        - name: web',
      '          image: registry.example.com/web:1.2.3',
      '          args: ["gunicorn", "--timeout", "30", "app:app"]',
      '          env:',
      '            - name: DB_PASSWORD',
      `              value: "${dbPassword}"`,
      '            - name: SENTRY_AUTH_TOKEN',
      `              value: ${s(f.mixed(40))}`,
      '            - name: LOG_LEVEL',
      '              value: info',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: nginx',
      'data:',
      '  default.conf: |',
      '    server {',
      '      location / {',
      `        proxy_set_header Authorization "Basic ${s(btoa('svc:' + f.password(12)))}";`,
      '        proxy_read_timeout 75s;',
      '      }',
      '    }',
      '',
    ].join('\n');
  });

  plant('.env', 'dotenv', (s) =>
    [
      '# production',
      `DB_PASSWORD=${s(f.password(20))}`,
      `AWS_ACCESS_KEY_ID=${s(f.awsKeyId())}`,
      `AWS_SECRET_ACCESS_KEY=${s(f.awsSecret())}`,
      `OPENAI_API_KEY=${s(f.openai())}`,
      `ANTHROPIC_API_KEY=${s(f.anthropic())}`,
      `SENDGRID_API_KEY=${s(f.sendgrid())}`,
      `SLACK_WEBHOOK_URL=https://hooks.slack.com/services/${s(f.slackWebhookPath())}`,
      `REDIS_URL=redis://:${s(f.password(18))}@cache:6379/0`,
      `NPM_TOKEN=${s(f.npm())}`,
      `TWILIO_API_KEY=${s(f.twilioKey())}`,
      `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=${s(f.azureAccountKey())};EndpointSuffix=core.windows.net"`,
      `export SESSION_SECRET='${s(f.password(8))} ${s(f.password(8))}'`,
      'PORT=8000',
      'WEB_CONCURRENCY=4',
      '',
    ].join('\n'),
  );

  plant('incident.log', 'log', (s) => {
    const tok = f.mixed(32);
    return [
      `2024/05/01 03:12:44 [error] 31#31: *9 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.7, server: api, request: "GET /v1/stream?access_token=${s(tok)} HTTP/1.1", upstream: "http://127.0.0.1:8000/v1/stream?access_token=${tok}", host: "api"`,
      `10.0.0.7 - - [01/May/2024:03:12:44 +0000] "GET /export?format=csv&api_key=${s(f.mixed(26))} HTTP/1.1" 502 157 "-" "curl/8.0"`,
      `[2024-05-01 03:12:40 +0000] [7] [ERROR] could not connect to postgres://app:${s(f.password(14))}@db/app`,
      `[2024-05-01 03:12:41 +0000] [7] [DEBUG] headers: Authorization: Bearer ${s(f.jwt())}`,
      `$ curl -H 'Authorization: Basic ${s(btoa('ops:' + f.password(10)))}' https://api.example.com/health`,
      `$ gunicorn -e API_TOKEN="${s(f.password(8))} ${s(f.password(8))}" --timeout 30 app:app`,
      `[2024-05-01 03:12:42 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)`,
      `token refresh failed for client ${s(f.googleApiKey())}`,
      `> Cookie: theme=dark; sessionid=${s(f.mixed(32))}`,
      '',
    ].join('\n');
  });

  plant('notes.txt', 'unknown', (s) =>
    [
      'pasted from the runbook:',
      f
        .privateKeyPem('OPENSSH PRIVATE KEY')
        .replace(/\n([A-Za-z0-9+/]{64})/g, (_, l: string) => '\n' + s(l)),
      `gh token: ${s(f.githubFineGrained())}`,
      `gitlab: ${s(f.gitlab())}`,
      `pypi: ${s(f.pypi())}`,
      `slack bot ${s(f.slackBot())}`,
      `MONGO_URL=mongodb+srv://admin:${s(f.password(16))}@cluster0.example.mongodb.net/app`,
      `amqp://svc:${s(f.password(12))}@rabbit:5672/`,
      `admin:$apr1$${f.pick('abcdefgh', 8)}$${s(f.mixed(22))}`,
      'proxy_read_timeout 120s; keepalive_timeout 65;',
      '',
    ].join('\n'),
  );

  plant('www.conf', 'php-fpm', (s) =>
    [
      '[www]',
      'listen = /run/php/php-fpm.sock',
      'pm = dynamic',
      'request_terminate_timeout = 60',
      `env[DB_PASSWORD] = ${s(f.password(14))}`,
      `php_admin_value[mail.smtp_password] = "${s(f.password(12))}"`,
      '',
    ].join('\n'),
  );

  plant('server.js', 'node', (s) =>
    [
      "const { Client } = require('pg');",
      `const client = new Client({ host: 'db', password: '${s(f.password(16))}', port: 5432 });`,
      `const stripe = require('stripe')('${s(f.stripe())}');`,
      'server.keepAliveTimeout = 65000;',
      'server.headersTimeout = 66000;',
      '',
    ].join('\n'),
  );

  return out;
}
