/**
 * header-size: uWSGI "invalid request block size" vs its buffer-size, and nginx "upstream
 * sent too big header" vs the *_buffer_size of the module the location uses.
 */
import { expect, it } from 'vitest';
import { httpMethodOfBlockSize } from '../../workers/engine/rules/lib/uwsgi-block.ts';
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const uwsgiSite = `upstream app {
    server unix:/run/uwsgi/app.sock;
}
server {
    listen 80;
    server_name shop.test;
    location / {
        include uwsgi_params;
        uwsgi_pass app;
    }
}
`;
const uwsgiIni = `[uwsgi]
module = shop.wsgi:application
socket = /run/uwsgi/app.sock
processes = 4
`;
const blockLog = (n: number) =>
  `Thu May  2 10:11:12 2024 - invalid request block size: ${n} (max 4096)...skip\n`;
const closeLog =
  '2024/05/02 10:11:12 [error] 90#90: *7 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.9, server: shop.test, request: "GET /account HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/app.sock:", host: "shop.test"\n' +
  // what nginx 1.22 logged in the lab for uWSGI 2.0.21 dropping a 6 KB cookie
  '2024/05/02 10:11:13 [error] 90#90: *9 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.9, server: shop.test, request: "GET /account HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/app.sock:", host: "shop.test"\n';

const proxySite = `server {
    listen 80;
    server_name api.test;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
    location /auth/ {
        proxy_pass http://127.0.0.1:8000;
    }
}
`;
const tooBig = (path: string, upstream = 'http://127.0.0.1:8000') =>
  `2024/05/02 10:11:12 [error] 90#90: *7 upstream sent too big header while reading response header from upstream, client: 10.0.0.9, server: api.test, request: "GET ${path} HTTP/1.1", upstream: "${upstream}${path}", host: "api.test"\n`;

const ingress = (annotation: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: sso
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"${annotation}
spec:
  rules:
    - host: api.test
      http:
        paths:
          - path: /auth
            pathType: Prefix
            backend:
              service:
                name: keycloak
                port:
                  number: 8080
`;

const invalid: InvalidCase[] = [
  {
    name: 'behind ingress-nginx: the Ingress serving /auth gets proxy-buffer-size 16k',
    files: [
      { name: 'ingress.yaml', text: ingress('') },
      { name: 'controller.log', text: tooBig('/auth/realms/x/callback', 'http://10.42.0.17:8080') },
    ],
    output: { 'ingress.yaml': ingress('\n    nginx.ingress.kubernetes.io/proxy-buffer-size: 16k') },
    safety: 'safe',
    explains: 1,
    mentions: ['proxy-buffer-size 4k (ingress-nginx default', 'Ingress sso'],
  },
  {
    name: 'uWSGI at its 4096 default: buffer-size 32768 is added, the nginx close is explained too',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: uwsgiIni },
      { name: 'uwsgi.log', text: blockLog(5123) },
      { name: 'error.log', text: closeLog },
    ],
    output: { 'uwsgi.ini': uwsgiIni + 'buffer-size = 32768\n' },
    safety: 'safe',
    explains: 3,
    mentions: ['5123 bytes', 'buffer-size 4096 (uWSGI default', '2 matching closed connection'],
  },
  {
    name: 'an explicit buffer-size below the logged size is replaced in place',
    files: [
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = :3031\nbuffer-size = 8192\nmaster = true\n' },
      { name: 'uwsgi.log', text: blockLog(40000) },
    ],
    output: { 'uwsgi.ini': '[uwsgi]\nsocket = :3031\nbuffer-size = 65535\nmaster = true\n' },
    safety: 'safe',
    explains: 1,
    mentions: ['buffer-size 8192 (uwsgi.ini:3)'],
  },
  {
    name: 'proxy_pass at the default 4k: 16k with a busy-buffers size nginx accepts',
    files: [
      { name: 'api.conf', text: proxySite },
      { name: 'error.log', text: tooBig('/auth/callback') + tooBig('/auth/login') },
    ],
    output: {
      'api.conf': proxySite.replace(
        '    location /auth/ {\n        proxy_pass http://127.0.0.1:8000;\n',
        '    location /auth/ {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_buffer_size 16k;\n        proxy_busy_buffers_size 16k;\n',
      ),
    },
    safety: 'safe',
    explains: 2,
    mentions: ['proxy_buffer_size 4k (nginx 1.22 default)', 'location /auth/'],
  },
  {
    name: 'uwsgi_pass: uwsgi_buffer_size, and proxy_buffers raised when the busy size cannot fit',
    files: [
      {
        name: 'site.conf',
        text: `server {
    server_name shop.test;
    uwsgi_buffers 3 4k;
    location / {
        uwsgi_buffer_size 8k;
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
    }
}
`,
      },
      {
        name: 'error.log',
        text: tooBig('/cart', 'uwsgi://127.0.0.1:3031').replace(/api\.test/g, 'shop.test'),
      },
    ],
    output: {
      'site.conf': `server {
    server_name shop.test;
    uwsgi_buffers 3 4k;
    location / {
        uwsgi_buffer_size 16k;
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
        uwsgi_buffers 4 16k;
    }
}
`,
    },
    safety: 'safe',
    explains: 1,
    mentions: ['uwsgi_buffer_size 8k (site.conf:5)'],
  },
  {
    name: 'uWSGI lines without a uWSGI config: manual advice',
    files: [{ name: 'uwsgi.log', text: blockLog(6000) }],
    output: {},
    safety: 'manual',
    explains: 1,
  },
];

const valid: ValidCase[] = [
  {
    name: 'the Ingress already has proxy-buffer-size 16k',
    files: [
      {
        name: 'ingress.yaml',
        text: ingress('\n    nginx.ingress.kubernetes.io/proxy-buffer-size: "16k"'),
      },
      { name: 'controller.log', text: tooBig('/auth/realms/x/callback', 'http://10.42.0.17:8080') },
    ],
  },
  {
    name: '"invalid request block size: 21573" is "GET " read as a uwsgi header (protocol mismatch)',
    files: [
      { name: 'uwsgi.ini', text: uwsgiIni },
      { name: 'uwsgi.log', text: blockLog(21573) + blockLog(21327) },
    ],
  },
  {
    name: 'the buffer-size already covers the logged size (fixed)',
    files: [
      { name: 'uwsgi.ini', text: uwsgiIni + 'buffer-size = 32768\n' },
      { name: 'uwsgi.log', text: blockLog(5123) },
    ],
  },
  {
    name: 'proxy_buffer_size already 16k in that location',
    files: [
      {
        name: 'api.conf',
        text: proxySite.replace(
          'location /auth/ {\n',
          'location /auth/ {\n        proxy_buffer_size 16k;\n        proxy_busy_buffers_size 16k;\n',
        ),
      },
      { name: 'error.log', text: tooBig('/auth/callback') },
    ],
  },
  {
    name: 'a small buffer alone, with no such log line, is not a finding',
    files: [{ name: 'api.conf', text: proxySite }],
  },
];

runRuleCases('header-size', invalid, valid);

it('block sizes that spell an HTTP method', () => {
  expect(httpMethodOfBlockSize(21573)).toBe('GET');
  expect(httpMethodOfBlockSize(21327)).toBe('POST');
  expect(httpMethodOfBlockSize(16709)).toBe('HEAD');
  expect(httpMethodOfBlockSize(5123)).toBeNull();
});
