/**
 * address-mismatch: nginx's target vs the app server's bind (port, socket path, localhost →
 * ::1 against an IPv4-only bind).
 */
import { webDeployment } from './lib/deployment.ts';
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const refused = (upstream: string, path = '/') =>
  `2024/05/02 10:11:12 [error] 90#90: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET ${path} HTTP/1.1", upstream: "${upstream}${path}", host: "app.test"\n`;
const missing = (socket: string) =>
  `2024/05/02 10:11:12 [crit] 90#90: *7 connect() to unix:${socket} failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "http://unix:${socket}:/", host: "app.test"\n`;

const upstreamSite = (server: string) => `upstream app {
    server ${server} max_fails=3;
}
server {
    listen 80;
    server_name app.test;
    location / {
        proxy_pass http://app;
    }
}
`;

/** A Deployment running gunicorn with `bind` on its command line, behind a Service `web`. */
const deployment = (bind: string) =>
  webDeployment(`["gunicorn", "shop.wsgi", "--bind", "${bind}", "--workers", "3"]`);

const invalid: InvalidCase[] = [
  {
    name: 'upstream server on another port than gunicorn binds: the port is corrected',
    files: [
      { name: 'app.conf', text: upstreamSite('127.0.0.1:8001') },
      // timeout above proxy_read_timeout: once linked, app-timeout has nothing to say either
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\nworkers = 3\ntimeout = 75\n' },
      {
        name: 'error.log',
        text: refused('http://127.0.0.1:8001') + refused('http://127.0.0.1:8001', '/x'),
      },
    ],
    output: { 'app.conf': upstreamSite('127.0.0.1:8000') },
    safety: 'safe',
    explains: 2,
    mentions: ['127.0.0.1:8001 (app.conf:2)', 'listens on 0.0.0.0:8000 (gunicorn.conf.py:1)'],
  },
  {
    name: 'socket path differs: proxy_pass to a unix socket in a URL keeps its form',
    files: [
      {
        name: 'app.conf',
        text: 'server {\n    server_name app.test;\n    location / {\n        proxy_pass http://unix:/run/gunicorn.sock:/;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "unix:/run/gunicorn/app.sock"\ntimeout = 75\n' },
      { name: 'error.log', text: missing('/run/gunicorn.sock') },
    ],
    output: {
      'app.conf':
        'server {\n    server_name app.test;\n    location / {\n        proxy_pass http://unix:/run/gunicorn/app.sock:/;\n    }\n}\n',
    },
    safety: 'safe',
    explains: 1,
    skipNginxT: 'the nginx -t helper rewrites http://unix: targets to 127.0.0.1',
  },
  {
    name: 'uwsgi_pass to a socket path uWSGI does not create',
    files: [
      {
        name: 'site.conf',
        text: 'server {\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/tmp/app.sock;\n    }\n}\n',
      },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = /run/uwsgi/app.sock\nchmod-socket = 660\n' },
    ],
    output: {
      'site.conf':
        'server {\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/run/uwsgi/app.sock;\n    }\n}\n',
    },
    safety: 'safe',
    explains: 0,
    mentions: ['listens on /run/uwsgi/app.sock (uwsgi.ini:2)'],
  },
  {
    name: 'localhost resolves to ::1 too while gunicorn binds 127.0.0.1',
    files: [
      { name: 'app.conf', text: upstreamSite('localhost:8000') },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 75\n' },
      {
        name: 'error.log',
        text: refused('http://[::1]:8000') + refused('http://[::1]:8000', '/a'),
      },
    ],
    output: { 'app.conf': upstreamSite('127.0.0.1:8000') },
    safety: 'safe',
    explains: 2,
    mentions: ['"localhost" resolves to ::1'],
  },
  {
    name: 'docker-compose: nginx proxies to app:5000, gunicorn listens on 0.0.0.0:8000',
    files: [
      {
        name: 'default.conf',
        text: 'server {\n    listen 80;\n    location / {\n        proxy_pass http://app:5000;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\ntimeout = 75\n' },
      { name: 'error.log', text: refused('http://172.18.0.3:5000') },
    ],
    output: {
      'default.conf':
        'server {\n    listen 80;\n    location / {\n        proxy_pass http://app:8000;\n    }\n}\n',
    },
    safety: 'safe',
    explains: 1,
    mentions: ['connects to app:5000'],
  },
  {
    name: 'docker-compose: gunicorn binds 127.0.0.1 in its container, nginx connects to app:8000 (opt-in bind fix)',
    files: [
      {
        name: 'default.conf',
        text: 'server {\n    listen 80;\n    location / {\n        proxy_pass http://app:8000;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 75\n' },
      { name: 'error.log', text: refused('http://172.18.0.3:8000') },
    ],
    output: { 'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\ntimeout = 75\n' },
    safety: 'unsafe',
    unsafe: true,
    explains: 1,
    mentions: ['only its own container'],
  },
  {
    name: "Kubernetes: gunicorn binds 127.0.0.1 on the container's command line, nginx connects to web:8000",
    files: [
      {
        name: 'default.conf',
        text: 'server {\n    listen 80;\n    location / {\n        proxy_pass http://web:8000;\n    }\n}\n',
      },
      { name: 'web.yaml', text: deployment('127.0.0.1:8000') },
      { name: 'error.log', text: refused('http://10.244.1.17:8000') },
    ],
    output: { 'web.yaml': deployment('0.0.0.0:8000') },
    safety: 'safe',
    explains: 1,
    mentions: ['only its own container'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'the only route goes to an outside HTTPS API; the pasted gunicorn is something else',
    files: [
      {
        name: 'app.conf',
        text: 'server {\n    location /partner/ {\n        proxy_pass https://api.partner.example;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\n' },
    ],
  },
  {
    name: 'a socket inside a proxy_pass URL that matches the bind (topology reads the path with its URI)',
    files: [
      {
        name: 'app.conf',
        text: 'server {\n    location / {\n        proxy_pass http://unix:/run/gunicorn.sock:/;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "unix:/run/gunicorn.sock"\n' },
    ],
  },
  {
    name: 'target and bind agree (a refusal then means the app is down: backend-down)',
    files: [
      { name: 'app.conf', text: upstreamSite('127.0.0.1:8000') },
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\n' },
      { name: 'error.log', text: refused('http://127.0.0.1:8000') },
    ],
  },
  {
    name: 'localhost to a dual-stack bind ([::]) is fine',
    files: [
      { name: 'app.conf', text: upstreamSite('localhost:8000') },
      { name: 'gunicorn.conf.py', text: 'bind = "[::]:8000"\n' },
    ],
  },
  {
    name: 'no app server config pasted: nothing to compare with',
    files: [
      { name: 'app.conf', text: upstreamSite('127.0.0.1:8001') },
      { name: 'error.log', text: refused('http://127.0.0.1:8001') },
    ],
  },
  {
    name: 'two app servers, neither reached: ambiguous, no guess',
    files: [
      { name: 'app.conf', text: upstreamSite('127.0.0.1:8001') },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\n' },
      { name: 'uwsgi.ini', text: '[uwsgi]\nhttp-socket = 127.0.0.1:9000\n' },
    ],
  },
  {
    name: 'an external API proxied next to a matched app is not a mismatch',
    files: [
      {
        name: 'app.conf',
        text: `server {
    location / { proxy_pass http://127.0.0.1:8000; }
    location /maps/ { proxy_pass https://maps.example.com; }
}
`,
      },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\n' },
    ],
  },
];

runRuleCases('address-mismatch', invalid, valid);
