/**
 * backend-down: refused / missing-socket connects while the configs agree on the address.
 */
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const refused = (upstream: string, time = '10:11:12') =>
  `2024/05/02 ${time} [error] 90#90: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "${upstream}/", host: "app.test"\n`;
const missing = (socket: string) =>
  `2024/05/02 10:11:12 [crit] 90#90: *7 connect() to unix:${socket} failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "uwsgi://unix:${socket}:", host: "app.test"\n`;

const disabled = (upstream: string) =>
  `2024/05/02 10:11:12 [warn] 90#90: *7 upstream server temporarily disabled while reading response header from upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "${upstream}/", host: "app.test"\n`;

const site = `upstream app {
    server 127.0.0.1:8000;
}
server {
    server_name app.test;
    location / {
        proxy_pass http://app;
    }
}
`;
const gunicorn = 'bind = "127.0.0.1:8000"\nworkers = 4\ntimeout = 75\n';

const invalid: InvalidCase[] = [
  {
    name: 'refused while nginx and gunicorn agree on 127.0.0.1:8000, after the master shut down',
    files: [
      { name: 'app.conf', text: site },
      { name: 'gunicorn.conf.py', text: gunicorn },
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:11:10 +0000] [41] [INFO] Handling signal: term\n[2024-05-02 10:11:11 +0000] [41] [INFO] Shutting down: Master\n',
      },
      {
        name: 'error.log',
        text: refused('http://127.0.0.1:8000') + refused('http://127.0.0.1:8000', '10:11:13'),
      },
    ],
    output: {},
    safety: 'manual',
    explains: 2,
    mentions: ['refused (111)', 'matches where gunicorn', 'gunicorn shutdown'],
  },
  {
    name: '"temporarily disabled" warnings beside the refusals are not counted as failures',
    files: [
      { name: 'app.conf', text: site },
      { name: 'gunicorn.conf.py', text: gunicorn },
      {
        name: 'error.log',
        text: refused('http://127.0.0.1:8000') + disabled('http://127.0.0.1:8000').repeat(3),
      },
    ],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['1 request(s) to 127.0.0.1:8000 failed'],
  },
  {
    name: 'uWSGI socket missing at the path both agree on',
    files: [
      {
        name: 'site.conf',
        text: 'server {\n    server_name app.test;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/run/uwsgi/app.sock;\n    }\n}\n',
      },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = /run/uwsgi/app.sock\n' },
      { name: 'error.log', text: missing('/run/uwsgi/app.sock') },
    ],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['socket file did not exist', 'PrivateTmp'],
  },
  {
    name: 'only the nginx line: backend down, with the caveat that the address is unchecked',
    files: [{ name: 'error.log', text: refused('http://10.0.3.7:8080') }],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['address mismatch is not ruled out'],
  },
];

const valid: ValidCase[] = [
  {
    // nginx marks a server disabled after another failure (max_fails): no sign it was down.
    name: '"upstream server temporarily disabled" alone is no evidence the backend was down',
    files: [
      { name: 'app.conf', text: site },
      { name: 'gunicorn.conf.py', text: gunicorn },
      { name: 'error.log', text: disabled('http://127.0.0.1:8000').repeat(5) },
    ],
  },
  {
    name: 'refused at the resolved IP of app:8000 while gunicorn binds 127.0.0.1: address-mismatch',
    files: [
      {
        name: 'default.conf',
        text: 'server {\n    location / {\n        proxy_pass http://app:8000;\n    }\n}\n',
      },
      { name: 'gunicorn.conf.py', text: gunicorn },
      { name: 'error.log', text: refused('http://172.18.0.3:8000') },
    ],
  },
  {
    name: 'refused on an address the pasted nginx config does not connect to (older lines)',
    files: [
      { name: 'app.conf', text: site },
      { name: 'gunicorn.conf.py', text: gunicorn },
      { name: 'error.log', text: refused('http://127.0.0.1:9999') },
    ],
  },
  {
    name: 'refused on a port gunicorn does not use: that is address-mismatch, not backend-down',
    files: [
      { name: 'app.conf', text: site.replace('127.0.0.1:8000', '127.0.0.1:8001') },
      { name: 'gunicorn.conf.py', text: gunicorn },
      { name: 'error.log', text: refused('http://127.0.0.1:8001') },
    ],
  },
  {
    name: 'refused on [::1] with localhost in nginx and an IPv4 bind: address-mismatch',
    files: [
      { name: 'app.conf', text: site.replace('127.0.0.1:8000', 'localhost:8000') },
      { name: 'gunicorn.conf.py', text: gunicorn },
      { name: 'error.log', text: refused('http://[::1]:8000') },
    ],
  },
  {
    name: 'a premature close is not a refused connection',
    files: [
      { name: 'app.conf', text: site },
      {
        name: 'error.log',
        text: '2024/05/02 10:11:12 [error] 90#90: *7 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "app.test"\n',
      },
    ],
  },
];

runRuleCases('backend-down', invalid, valid);
