/**
 * Redaction follows values: a literal given to an nginx variable that ends up in a credential
 * header, parameter or query argument is a secret, however many variables it passes through;
 * nginx text inside YAML (ingress-nginx snippets) is read with the nginx rules; a template or a
 * placeholder glued to a secret does not shield it.
 */
import { describe, expect, it } from 'vitest';
import { findNginxSecrets } from '../../workers/engine/redact/formats/nginx.ts';
import { findYamlSecrets } from '../../workers/engine/redact/formats/kubernetes.ts';
import { redactFiles, redactText } from '../../workers/engine/redact/index.ts';
import type { Detector } from '../../workers/engine/redact/types.ts';
import { leaks, Fake } from './fake.ts';

const f = new Fake(314);
const found = (detect: Detector, text: string) =>
  detect(text).map((c) => text.slice(c.start, c.end));

describe('nginx values follow variables', () => {
  const keys = Array.from({ length: 7 }, () => f.mixed(28));
  const [k1, k2, k3, k4, k5, k6, k7] = keys as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const conf = [
    'map $host $api_credential {',
    `    default          "${k1}";`,
    `    api.example.com  "${k2}";`,
    '}',
    'geo $remote_addr $partner {',
    `    default     ${k3};`,
    `    10.0.0.0/8  ${k4};`,
    '}',
    'split_clients "${remote_addr}" $variant {',
    `    50%  ${k5};`,
    `    *    ${k6};`,
    '}',
    'server {',
    '    location /a/ { proxy_set_header Authorization "Bearer $api_credential"; proxy_pass http://a; }',
    '    location /b/ { proxy_set_header X-Api-Key $partner; proxy_pass http://b; }',
    '    location /c/ { proxy_pass http://c/api?access_token=$variant; }',
    '    location /d/ {',
    '        set $auth "Bearer $raw";',
    `        set $raw ${k7};`,
    '        proxy_set_header Authorization $auth;',
    '        proxy_pass http://d;',
    '    }',
    '}',
  ].join('\n');

  it('map, geo, split_clients and set values that reach a credential are hidden', () => {
    expect(found(findNginxSecrets, conf).sort()).toEqual([k1, k2, k3, k4, k5, k6, k7].sort());
    const r = redactText(conf, 'nginx');
    for (const k of [k1, k2, k3, k4, k5, k6, k7]) expect(leaks(r.text, k)).toEqual([]);
    // The keys (hosts, networks, percentages) and the variables stay.
    for (const kept of ['api.example.com', '10.0.0.0/8', '50%', '$api_credential', '$raw'])
      expect(r.text).toContain(kept);
  });

  it('the same value elsewhere (a log line) gets the same placeholder', () => {
    const log = `2026/01/02 03:04:05 [info] 1#1: *1 client sent "Bearer ${k1}"\n`;
    const { files } = redactFiles([
      { name: 'nginx.conf', kind: 'nginx', text: conf },
      { name: 'error.log', kind: 'log', text: log },
    ]);
    const placeholder = /«redacted:[a-z-]+:\d+»/.exec(files[0]!.text)![0];
    expect(files[1]!.text).toContain(placeholder);
  });

  it('near misses: values that feed ordinary headers, upstream names, variables', () => {
    const near = [
      'map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
      'map $uri $pool { ~^/api/ api_backend_pool_2024; default web_pool_frontend_01; }',
      'map $host $forwarded { default $http_authorization; }',
      'set $upstream_host api.internal.example.com;',
      'server {',
      '    proxy_set_header Connection $connection_upgrade;',
      '    proxy_set_header Host $upstream_host;',
      '    proxy_set_header Authorization $forwarded;',
      '    location / { proxy_pass http://$pool; }',
      '}',
    ].join('\n');
    expect(found(findNginxSecrets, near)).toEqual([]);
    expect(redactText(near, 'nginx').redactions).toEqual([]);
  });
});

describe('nginx inside YAML', () => {
  it('ingress-nginx snippet annotations and ConfigMap snippets, block or one line', () => {
    const [a, b, c] = [f.mixed(30), f.mixed(30), f.mixed(30)];
    const ingress = [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: api',
      '  annotations:',
      '    nginx.ingress.kubernetes.io/configuration-snippet: |',
      `      proxy_set_header X-Api-Key ${a};`,
      `    nginx.ingress.kubernetes.io/server-snippet: 'more_set_input_headers "Authorization: Bearer ${b}";'`,
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: ingress-nginx-controller',
      'data:',
      '  http-snippet: |',
      '    map $host $upstream_secret {',
      `      default "${c}";`,
      '    }',
      '',
    ].join('\n');
    expect(found(findYamlSecrets, ingress).sort()).toEqual([a, b, c].sort());
    const r = redactText(ingress, 'kubernetes');
    for (const k of [a, b, c]) expect(leaks(r.text, k)).toEqual([]);
  });
});

describe('templates and placeholders glued to a secret', () => {
  it('a literal key beside a template expression is still hidden', () => {
    const k = f.mixed(24);
    for (const line of [
      `proxy_set_header Authorization "Bearer \${PREFIX}${k}";`,
      `proxy_set_header X-Api-Key "{{ .Values.prefix }}-${k}";`,
    ])
      expect(leaks(redactText(line, 'nginx').text, k)).toEqual([]);
  });

  it('templates alone are references and stay', () => {
    for (const line of [
      'proxy_set_header Authorization "Bearer ${API_TOKEN}";',
      'proxy_set_header X-Api-Key "{{ .Values.apiKey }}";',
      'password = "%(db_password)s"',
      'token: "{{ required "token" .Values.token }}"',
    ])
      expect(redactText(line, 'unknown').redactions).toEqual([]);
  });

  it('a secret glued to an earlier placeholder goes; redacting twice changes nothing', () => {
    const k = f.mixed(24);
    const once = redactText(`api_token = "«redacted:token:1»${k}"\n`, 'unknown');
    expect(leaks(once.text, k)).toEqual([]);
    expect(once.text).toContain('«redacted:token:1»');
    expect(redactText(once.text, 'unknown').text).toBe(once.text);
  });
});

describe('secrets in log lines and commands', () => {
  it('Bot API tokens in request lines, signature headers, query and command-line secrets', () => {
    const bot = `${f.pick('0123456789', 10)}:AA${f.mixed(33)}`;
    const sig = f.pick('0123456789abcdef', 64);
    const tok = f.mixed(32);
    const pw = f.mixed(20);
    const text = [
      `10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "POST /bot${bot}/sendMessage HTTP/1.1" 502 166 "-" "curl/8"`,
      `10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET /cb?code=1&access_token=${tok} HTTP/1.1" 502 0 "https://a.example/?x=1" "-"`,
      `X-Hub-Signature-256: sha256=${sig}`,
      `  command: ["sh", "-c", "exec app --db-password=${pw} --port 8000"]`,
    ].join('\n');
    const r = redactText(text, 'unknown');
    for (const k of [bot, sig, tok, pw]) expect(leaks(r.text, k)).toEqual([]);
    expect(r.text).toContain('/sendMessage HTTP/1.1" 502');
  });

  it('near misses: algorithm names, ordinary request paths, digests', () => {
    const text = [
      'signature_algorithm: HMAC-SHA256',
      'X-Signature-Version: 2',
      '10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET /bot/status/12345678:AB HTTP/1.1" 200 2 "-" "-"',
      'image: app@sha256:4f9a0c1e2b3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6',
    ].join('\n');
    expect(redactText(text, 'unknown').redactions).toEqual([]);
  });
});
