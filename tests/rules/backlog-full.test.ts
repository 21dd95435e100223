/**
 * backlog-full: EAGAIN on connect to a unix socket and uWSGI "listen queue full" lines.
 */
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const eagain = (socket: string, scheme = 'uwsgi') =>
  `2024/05/02 10:11:12 [error] 90#90: *7 connect() to unix:${socket} failed (11: Resource temporarily unavailable) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET /report HTTP/1.1", upstream: "${scheme}://unix:${socket}:", host: "app.test"\n`;
const queueFull =
  'Thu May  2 10:11:12 2024 - *** uWSGI listen queue of socket "/run/uwsgi/app.sock" (fd: 3) full !!! (101/100) ***\n';

const uwsgiSite =
  'server {\n    server_name app.test;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/run/uwsgi/app.sock;\n    }\n}\n';
const ini = '[uwsgi]\nsocket = /run/uwsgi/app.sock\nprocesses = 4\n';

const invalid: InvalidCase[] = [
  {
    name: 'uWSGI at the default listen 100: raised to 1024 when unsafe fixes are allowed',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: ini },
      { name: 'uwsgi.log', text: queueFull },
      { name: 'error.log', text: eagain('/run/uwsgi/app.sock') + eagain('/run/uwsgi/app.sock') },
    ],
    output: { 'uwsgi.ini': ini + 'listen = 1024\n' },
    safety: 'unsafe',
    unsafe: true,
    explains: 3,
    mentions: ['listen = 100, uWSGI default', 'every worker was busy'],
  },
  {
    name: 'the same without opting in: reported, not applied',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = /run/uwsgi/app.sock\nlisten = 128\n' },
      { name: 'error.log', text: eagain('/run/uwsgi/app.sock') },
    ],
    output: {},
    safety: 'unsafe',
    explains: 1,
    mentions: ['listen = 128, uwsgi.ini:3'],
  },
  {
    name: 'gunicorn on a unix socket: manual (backlog is capped by somaxconn)',
    files: [
      {
        name: 'app.conf',
        text: 'server {\n    server_name app.test;\n    location / {\n        proxy_pass http://unix:/run/gunicorn.sock;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "unix:/run/gunicorn.sock"\ntimeout = 75\n' },
      { name: 'error.log', text: eagain('/run/gunicorn.sock', 'http') },
    ],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['backlog 2048, gunicorn default'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'listen already 1024 and only nginx EAGAIN lines (may predate the change)',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: ini + 'listen = 1024\n' },
      { name: 'error.log', text: eagain('/run/uwsgi/app.sock') },
    ],
  },
  {
    name: 'a small listen queue without any overflow line is not a finding',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: ini },
    ],
  },
  {
    name: 'EADDRNOTAVAIL (99) is port exhaustion, not a full backlog',
    files: [
      { name: 'site.conf', text: uwsgiSite },
      { name: 'uwsgi.ini', text: ini },
      {
        name: 'error.log',
        text: '2024/05/02 10:11:12 [crit] 90#90: *7 connect() to 10.0.0.5:3031 failed (99: Cannot assign requested address) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "uwsgi://10.0.0.5:3031", host: "app.test"\n',
      },
    ],
  },
];

runRuleCases('backlog-full', invalid, valid);
