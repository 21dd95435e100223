import type { Sample } from './index.ts';

// Slow exports: nginx waits 5 minutes, gunicorn's sync workers are killed after 30 s.
const log = `2026/09/14 08:12:40 [error] 912#912: *3301 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.9, server: crm.example.org, request: "GET /exports/contacts.xlsx HTTP/1.1", upstream: "http://10.1.4.20:8080/exports/contacts.xlsx", host: "crm.example.org"
2026/09/14 08:19:05 [error] 912#912: *3517 upstream prematurely closed connection while reading response header from upstream, client: 198.51.100.41, server: crm.example.org, request: "GET /exports/deals.xlsx HTTP/1.1", upstream: "http://10.1.4.20:8080/exports/deals.xlsx", host: "crm.example.org"
[2026-09-14 08:12:40 +0000] [701] [CRITICAL] WORKER TIMEOUT (pid:733)
[2026-09-14 08:12:40 +0000] [733] [INFO] Worker exiting (pid: 733)
[2026-09-14 08:12:41 +0000] [790] [INFO] Booting worker with pid: 790
[2026-09-14 08:19:05 +0000] [701] [CRITICAL] WORKER TIMEOUT (pid:790)
[2026-09-14 08:19:05 +0000] [790] [INFO] Worker exiting (pid: 790)
`;

const nginx = `server {
    listen 80;
    server_name crm.example.org;

    location /exports/ {
        proxy_pass http://10.1.4.20:8080;
        proxy_read_timeout 300s;
        proxy_set_header Host $host;
    }

    location / {
        proxy_pass http://10.1.4.20:8080;
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `bind = "0.0.0.0:8080"
workers = 4
worker_class = "sync"
timeout = 30
`;

export const sample: Sample = {
  id: 'app-timeout',
  title: 'App server kills slow requests before nginx stops waiting',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'crm.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
  ],
};
