import type { Sample } from './index.ts';

// gunicorn restarts every worker after 500 requests, all at about the same time.
const log = `2026/01/28 13:10:04 [error] 301#301: *55120 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.14, server: api.example.com, request: "GET /v1/prices HTTP/1.1", upstream: "http://127.0.0.1:8000/v1/prices", host: "api.example.com"
2026/01/28 13:10:05 [error] 301#301: *55131 upstream prematurely closed connection while reading response header from upstream, client: 198.51.100.8, server: api.example.com, request: "GET /v1/stock HTTP/1.1", upstream: "http://127.0.0.1:8000/v1/stock", host: "api.example.com"
[2026-01-28 13:10:04 +0000] [220] [INFO] Autorestarting worker after current request.
[2026-01-28 13:10:04 +0000] [220] [INFO] Worker exiting (pid: 220)
[2026-01-28 13:10:05 +0000] [221] [INFO] Autorestarting worker after current request.
[2026-01-28 13:10:05 +0000] [221] [INFO] Worker exiting (pid: 221)
[2026-01-28 13:10:05 +0000] [340] [INFO] Booting worker with pid: 340
`;

const nginx = `upstream api {
    server 127.0.0.1:8000;
    keepalive 32;
}

server {
    listen 80;
    server_name api.example.com;

    location / {
        proxy_pass http://api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `bind = "127.0.0.1:8000"
workers = 4
worker_class = "gevent"
keepalive = 75
max_requests = 500
`;

export const sample: Sample = {
  id: 'worker-recycle',
  title: 'Worker recycling drops pooled connections (max_requests, no jitter)',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'api.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
  ],
};
