/**
 * keepalive-race's triggering cases (inputs and the exact fixed nginx file) and near misses,
 * with the fixtures they share; run by keepalive-race.test.ts.
 */
import type { SourceFile } from '../../workers/engine/model.ts';

export const pooled = (extra = '') => `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;${extra}
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
export const gthread = (extra = '') => ({
  name: 'gunicorn.conf.py',
  text: `bind = "127.0.0.1:8000"\nworkers = 2\nworker_class = "gthread"\nthreads = 4\n${extra}`,
});
const puma = (extra = '') => ({
  name: 'config/puma.rb',
  text: `workers ENV.fetch("WEB_CONCURRENCY") { 2 }\nthreads 5, 5\nport ENV.fetch("PORT") { 8000 }\n${extra}`,
});
const NODE_SERVER = {
  name: 'server.js',
  text: `const http = require('http');
const server = http.createServer((req, res) => res.end('ok'));
server.listen(8000);
`,
};

export interface Invalid {
  name: string;
  files: SourceFile[];
  version?: string;
  /** The exact fixed nginx file. */
  output: string;
  compared: string[];
}

export const invalid: Invalid[] = [
  {
    name: 'gthread worker with the default keepalive (2 s) vs the default 60s pool timeout',
    files: [{ name: 'app.conf', text: pooled() }, gthread()],
    output: pooled('\n    keepalive_timeout 1s;'),
    compared: ['60s', '2s'],
  },
  {
    name: 'Node default keepAliveTimeout (5 s) vs an explicit keepalive_timeout 75s, replaced in place',
    files: [{ name: 'app.conf', text: pooled('\n    keepalive_timeout 75s;') }, NODE_SERVER],
    output: pooled('\n    keepalive_timeout 4s;'),
    compared: ['75s', '5000 ms'],
  },
  {
    name: 'nginx 1.29.7 pools by default: no keepalive, no proxy settings, gevent keepalive 5',
    version: '1.29.7',
    files: [
      {
        name: 'app.conf',
        text: `upstream app {
\tserver 127.0.0.1:8000;
}
server {
\tlocation /api/ {
\t\tproxy_pass http://app;
\t}
}
`,
      },
      {
        name: 'gunicorn.conf.py',
        text: `bind = "127.0.0.1:8000"\nworker_class = "gevent"\nkeepalive = 5\n`,
      },
    ],
    output: `upstream app {
\tserver 127.0.0.1:8000;
\tkeepalive_timeout 4s;
}
server {
\tlocation /api/ {
\t\tproxy_pass http://app;
\t}
}
`,
    compared: ['keepalive 32 local (default)', '60s', '5s'],
  },
  {
    name: 'Puma default persistent_timeout (20 s) vs the default 60s pool timeout',
    files: [{ name: 'app.conf', text: pooled() }, puma()],
    output: pooled('\n    keepalive_timeout 19s;'),
    compared: ['60s', '20s'],
  },
  {
    name: 'Puma persistent_timeout written down, on a unix socket',
    files: [
      {
        name: 'app.conf',
        text: pooled().replace('server 127.0.0.1:8000;', 'server unix:/run/puma.sock;'),
      },
      { name: 'puma.rb', text: `bind "unix:///run/puma.sock"\npersistent_timeout 30\n` },
    ],
    output: pooled('\n    keepalive_timeout 29s;').replace(
      'server 127.0.0.1:8000;',
      'server unix:/run/puma.sock;',
    ),
    compared: ['60s', '30s'],
  },
  {
    name: 'uWSGI HTTP router with http-keepalive: http-timeout 60 equals the pool timeout',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]\nhttp = 127.0.0.1:8000\nhttp-keepalive = 1\nmodule = app:app\nmaster = true\n`,
      },
    ],
    output: pooled('\n    keepalive_timeout 59s;'),
    compared: ['60s', '60s'],
  },
  {
    name: 'uWSGI http11-socket waits socket-timeout (4 s by default) for the next request',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]\nhttp11-socket = 127.0.0.1:8000\nmodule = app:app\nthreads = 4\n`,
      },
    ],
    output: pooled('\n    keepalive_timeout 3s;'),
    compared: ['60s', '4s'],
  },
  {
    name: 'threads > 1 makes sync run gthread; a Connection map that keeps ordinary requests pooled',
    files: [
      {
        name: 'nginx.conf',
        text: `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' '';
    }
    upstream app {
        server 127.0.0.1:8000;
        keepalive 8;
        keepalive_timeout 30s;
    }
    server {
        listen 80;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`,
      },
      { name: 'gunicorn.conf.py', text: `bind = "127.0.0.1:8000"\nthreads = 8\nkeepalive = 10\n` },
    ],
    output: `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' '';
    }
    upstream app {
        server 127.0.0.1:8000;
        keepalive 8;
        keepalive_timeout 9s;
    }
    server {
        listen 80;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`,
    compared: ['30s', '10s'],
  },
  {
    name: 'uvicorn in a Dockerfile CMD with the default --timeout-keep-alive (5 s)',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'Dockerfile',
        text: 'FROM python:3.12-slim\nCOPY . /srv\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 4s;'),
    compared: ['60s', '5s'],
  },
  {
    name: 'uvicorn in compose with UVICORN_TIMEOUT_KEEP_ALIVE=30 behind keepalive_timeout 120s',
    files: [
      { name: 'app.conf', text: pooled('\n    keepalive_timeout 120s;') },
      {
        name: 'compose.yaml',
        text: 'services:\n  api:\n    build: .\n    command: uvicorn main:app --host 0.0.0.0 --port 8000\n    environment:\n      - UVICORN_TIMEOUT_KEEP_ALIVE=30\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 29s;'),
    compared: ['120s', '30s'],
  },
  {
    name: 'uvicorn.run(timeout_keep_alive=10) in the app, started by `python main.py`',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'main.py',
        text: 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\nif __name__ == "__main__":\n    uvicorn.run(\n        "main:app",\n        host="127.0.0.1",\n        port=8000,\n        timeout_keep_alive=10,\n    )\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 9s;'),
    compared: ['60s', '10s'],
  },
  {
    name: 'gunicorn with UvicornWorker passes keepalive (2 s by default) to uvicorn',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'Procfile',
        text: 'web: gunicorn main:app -k uvicorn.workers.UvicornWorker --bind 127.0.0.1:8000 --workers 4\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 1s;'),
    compared: ['60s', '2s'],
  },
  {
    name: 'hypercorn from its TOML config with the default keep_alive_timeout (5 s)',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'hypercorn.toml', text: 'bind = ["127.0.0.1:8000"]\nworkers = 4\naccesslog = "-"\n' },
    ],
    output: pooled('\n    keepalive_timeout 4s;'),
    compared: ['60s', '5s'],
  },
  {
    name: 'hypercorn --keep-alive 30 with --read-timeout 10: the read timeout closes idle connections first',
    files: [
      { name: 'app.conf', text: pooled('\n    keepalive_timeout 120s;') },
      {
        name: 'Procfile',
        text: 'web: hypercorn --bind 127.0.0.1:8000 --keep-alive 30 --read-timeout 10 app:app\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 9s;'),
    compared: ['120s', '10s'],
  },
  {
    name: 'Apache httpd (a site on 127.0.0.1:8000) with the default KeepAliveTimeout (5 s)',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'ports.conf', text: 'Listen 127.0.0.1:8000\n' },
      {
        name: 'shop.conf',
        text: '<VirtualHost 127.0.0.1:8000>\n    ServerName shop.example.com\n    DocumentRoot /srv/shop\n</VirtualHost>\n',
      },
    ],
    output: pooled('\n    keepalive_timeout 4s;'),
    compared: ['60s', '5s'],
  },
];

export const valid: { name: string; files: SourceFile[]; version?: string }[] = [
  {
    name: "gunicorn's sync worker closes every connection itself",
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'gunicorn.conf.py', text: `bind = "127.0.0.1:8000"\nworkers = 4\nkeepalive = 2\n` },
    ],
  },
  {
    name: 'Puma keeps idle connections longer than nginx does',
    files: [{ name: 'app.conf', text: pooled() }, puma('persistent_timeout 75\n')],
  },
  {
    name: 'Puma listens elsewhere than the upstream nginx pools',
    files: [
      { name: 'app.conf', text: pooled() },
      { ...puma(), text: puma().text.replace('{ 8000 }', '{ 3000 }') },
      gthread('keepalive = 75\n'),
    ],
  },
  {
    name: 'nginx already drops idle connections first',
    files: [{ name: 'app.conf', text: pooled('\n    keepalive_timeout 1s;') }, gthread()],
  },
  {
    name: 'no pool before 1.29.7 without keepalive',
    files: [
      {
        name: 'app.conf',
        text: `upstream app { server 127.0.0.1:8000; }\nserver { location / { proxy_pass http://app; proxy_http_version 1.1; } }\n`,
      },
      gthread(),
    ],
  },
  {
    name: 'a $http_upgrade map that sends close on ordinary requests: they never pool',
    files: [
      {
        name: 'app.conf',
        text: `map $http_upgrade $connection_upgrade { default upgrade; '' close; }
upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { proxy_pass http://app; proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; } }
`,
      },
      gthread(),
    ],
  },
  {
    name: 'a custom worker class (its keep-alive behaviour is unknown)',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'gunicorn.conf.py',
        text: `bind = "127.0.0.1:8000"\nworker_class = "myapp.workers.CustomWorker"\n`,
      },
    ],
  },
  {
    name: 'Node keepAliveTimeout above the pool timeout',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'server.js',
        text: `${NODE_SERVER.text}server.keepAliveTimeout = 65000;\nserver.headersTimeout = 66000;\n`,
      },
    ],
  },
  {
    name: 'gthread with keepalive = 0 answers Connection: close',
    files: [{ name: 'app.conf', text: pooled() }, gthread('keepalive = 0\n')],
  },
  {
    name: 'proxy_pass to an address has no pool',
    files: [
      {
        name: 'app.conf',
        text: `server { location / { proxy_pass http://127.0.0.1:8000; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n`,
      },
      gthread(),
    ],
    version: '1.29.7',
  },
  {
    name: 'uWSGI http-socket without keep-alive',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'uwsgi.ini', text: `[uwsgi]\nhttp-socket = 127.0.0.1:8000\nmodule = app:app\n` },
    ],
  },
  {
    name: 'the app server behind the pool listens elsewhere (another upstream)',
    files: [
      { name: 'app.conf', text: pooled() },
      { ...gthread(), text: gthread().text.replace('8000', '9000') },
    ],
  },
  {
    name: 'uvicorn keeps idle connections longer than nginx (--timeout-keep-alive 75)',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'Dockerfile',
        text: 'FROM python:3.12-slim\nCMD uvicorn main:app --host 0.0.0.0 --port 8000 --timeout-keep-alive=75\n',
      },
    ],
  },
  {
    name: 'hypercorn keeps idle connections longer than nginx (keep_alive_timeout = 75)',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'hypercorn.toml', text: 'bind = ["127.0.0.1:8000"]\nkeep_alive_timeout = 75\n' },
    ],
  },
  {
    name: 'Apache with KeepAlive Off closes after every response',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'httpd.conf', text: 'ServerRoot "/etc/httpd"\nListen 8000\nKeepAlive Off\n' },
    ],
  },
  {
    name: 'Apache keeps idle connections longer than nginx (KeepAliveTimeout 75)',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'httpd.conf', text: 'ServerRoot "/etc/httpd"\nListen 8000\nKeepAliveTimeout 75\n' },
    ],
  },
  {
    name: 'hypercorn on another port than the pooled upstream',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'Procfile', text: 'web: hypercorn -b 0.0.0.0:9000 app:app\n' },
    ],
  },
  {
    name: 'uvicorn on another port than the pooled upstream',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'Procfile', text: 'web: uvicorn main:app --port 9000\n' },
    ],
  },
  {
    name: 'uvicorn on a unix socket while nginx pools a TCP address',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'app.service',
        text: '[Service]\nExecStart=/usr/bin/uvicorn main:app --uds /run/app.sock\n',
      },
    ],
  },
];
