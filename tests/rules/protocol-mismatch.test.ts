/**
 * protocol-mismatch: what the *_pass speaks vs what the listener there expects.
 */
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const nginxLine = (
  message: string,
  upstream: string,
  phase = 'reading response header from upstream',
) =>
  `2024/05/02 10:11:12 [error] 90#90: *7 ${message} while ${phase}, client: 10.0.0.9, server: app.test, request: "GET / HTTP/1.1", upstream: "${upstream}/", host: "app.test"\n`;

const proxySite = (target: string) => `server {
    server_name app.test;
    location / {
        proxy_pass ${target};
        proxy_set_header Host $host;
    }
}
`;
const uwsgiSite = (target: string) => `server {
    server_name app.test;
    location / {
        include uwsgi_params;
        uwsgi_pass ${target};
    }
}
`;

const invalid: InvalidCase[] = [
  {
    name: 'proxy_pass to a uWSGI socket: uWSGI reads "GET " as block size 21573; socket → http-socket',
    files: [
      { name: 'app.conf', text: proxySite('http://127.0.0.1:3031') },
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nmodule = app:application\nsocket = :3031\nprocesses = 2\n',
      },
      {
        name: 'uwsgi.log',
        text: 'Thu May  2 10:11:12 2024 - invalid request block size: 21573 (max 4096)...skip\n',
      },
      {
        name: 'error.log',
        text: nginxLine('upstream prematurely closed connection', 'http://127.0.0.1:3031'),
      },
    ],
    output: {
      'uwsgi.ini': '[uwsgi]\nmodule = app:application\nhttp-socket = :3031\nprocesses = 2\n',
    },
    safety: 'safe',
    explains: 2,
    mentions: ['speaks http', 'expects uwsgi (uwsgi.ini:3)'],
  },
  {
    name: 'uwsgi_pass to a uWSGI http-socket: http-socket → socket',
    files: [
      { name: 'site.conf', text: uwsgiSite('unix:/run/uwsgi/app.sock') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nhttp-socket = /run/uwsgi/app.sock\n' },
      {
        name: 'error.log',
        text: nginxLine('upstream sent invalid header', 'uwsgi://unix:/run/uwsgi/app.sock:'),
      },
    ],
    output: { 'uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi/app.sock\n' },
    safety: 'safe',
    explains: 1,
  },
  {
    name: "uwsgi_pass to uWSGI's own HTTP router (`http =`): nginx times out; http → socket",
    files: [
      { name: 'site.conf', text: uwsgiSite('127.0.0.1:8000') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nmodule = app:application\nhttp = 127.0.0.1:8000\n' },
      {
        name: 'error.log',
        text: nginxLine(
          'upstream timed out (110: Connection timed out)',
          'uwsgi://127.0.0.1:8000',
        ).repeat(2),
      },
    ],
    output: { 'uwsgi.ini': '[uwsgi]\nmodule = app:application\nsocket = 127.0.0.1:8000\n' },
    safety: 'safe',
    explains: 2,
    mentions: ['speaks uwsgi', 'expects http'],
  },
  {
    // A risk beside failures it does not explain: its safe fix is offered, not applied by default.
    name: 'proxy_pass to a uWSGI socket with only timeouts logged: uWSGI closes, so they are not this',
    files: [
      { name: 'app.conf', text: proxySite('http://127.0.0.1:3031') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = :3031\n' },
      {
        name: 'error.log',
        text: nginxLine('upstream timed out (110: Connection timed out)', 'http://127.0.0.1:3031'),
      },
    ],
    output: {},
    safety: 'safe',
    explains: 0,
  },
  {
    name: 'proxy_pass http:// to port 443: the scheme becomes https://',
    files: [
      { name: 'app.conf', text: proxySite('http://10.0.0.20:443') },
      {
        name: 'error.log',
        text: nginxLine('upstream sent no valid HTTP/1.0 header', 'http://10.0.0.20:443'),
      },
    ],
    output: { 'app.conf': proxySite('https://10.0.0.20:443') },
    safety: 'safe',
    explains: 1,
    mentions: ['expects https'],
  },
  {
    name: 'proxy_pass https:// to gunicorn (plain HTTP): TLS handshake errors; https → http',
    files: [
      { name: 'app.conf', text: proxySite('https://127.0.0.1:8000') },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 75\n' },
      {
        name: 'error.log',
        text: nginxLine(
          'SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)',
          'https://127.0.0.1:8000',
          'SSL handshaking to upstream',
        ),
      },
    ],
    output: { 'app.conf': proxySite('http://127.0.0.1:8000') },
    safety: 'safe',
    explains: 1,
  },
  {
    name: 'uwsgi_pass to gunicorn: proxy_pass is offered as an opt-in fix',
    files: [
      { name: 'site.conf', text: uwsgiSite('127.0.0.1:8000') },
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 75\n' },
    ],
    output: {
      'site.conf': uwsgiSite('127.0.0.1:8000').replace(
        'uwsgi_pass 127.0.0.1:8000',
        'proxy_pass http://127.0.0.1:8000',
      ),
    },
    safety: 'unsafe',
    unsafe: true,
    explains: 0,
  },
  {
    name: 'the uWSGI signature alone (no nginx config): HTTP sent to a uwsgi socket, advice only',
    files: [
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = :3031\n' },
      {
        name: 'uwsgi.log',
        text: 'Thu May  2 10:11:12 2024 - invalid request block size: 21573 (max 4096)...skip\n',
      },
    ],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['21573 = "GET "', 'probe'],
  },
  {
    name: 'proxy_pass http:// to gunicorn serving TLS (certfile): the scheme becomes https://',
    files: [
      { name: 'app.conf', text: proxySite('http://127.0.0.1:8000') },
      {
        name: 'gunicorn.conf.py',
        text: 'bind = "127.0.0.1:8000"\ncertfile = "/etc/app/tls.crt"\nkeyfile = "/etc/app/tls.key"\ntimeout = 75\n',
      },
    ],
    output: { 'app.conf': proxySite('https://127.0.0.1:8000') },
    safety: 'safe',
    explains: 0,
    mentions: ['expects https'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'uwsgi_pass to a uWSGI socket (the documented setup)',
    files: [
      { name: 'site.conf', text: uwsgiSite('127.0.0.1:3031') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = 127.0.0.1:3031\n' },
    ],
  },
  {
    name: 'uwsgi_pass to a uWSGI socket with timeouts logged: a slow app, not a mismatch',
    files: [
      { name: 'site.conf', text: uwsgiSite('127.0.0.1:3031') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = 127.0.0.1:3031\n' },
      {
        name: 'error.log',
        text: nginxLine('upstream timed out (110: Connection timed out)', 'uwsgi://127.0.0.1:3031'),
      },
    ],
  },
  {
    name: "proxy_pass to uWSGI's HTTP router (`http =`)",
    files: [
      { name: 'app.conf', text: proxySite('http://127.0.0.1:8080') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nhttp = :8080\n' },
    ],
  },
  {
    name: 'proxy_pass to a uWSGI http-socket',
    files: [
      { name: 'app.conf', text: proxySite('http://127.0.0.1:8080') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nhttp-socket = :8080\n' },
    ],
  },
  {
    name: 'proxy_pass https:// to port 443 and http:// to 8000',
    files: [
      {
        name: 'app.conf',
        text: `server {
    location / { proxy_pass http://127.0.0.1:8000; }
    location /pay/ { proxy_pass https://10.0.0.20:443; }
}
`,
      },
    ],
  },
  {
    name: 'a genuine big header (block size 5123) is not a protocol mismatch',
    files: [
      { name: 'site.conf', text: uwsgiSite('127.0.0.1:3031') },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = 127.0.0.1:3031\n' },
      {
        name: 'uwsgi.log',
        text: 'Thu May  2 10:11:12 2024 - invalid request block size: 5123 (max 4096)...skip\n',
      },
    ],
  },
];

runRuleCases('protocol-mismatch', invalid, valid);
