import type { Sample } from './index.ts';

// proxy_pass to "localhost": nginx tries ::1 first, gunicorn listens on 127.0.0.1 only.
const log = `2026/01/15 07:55:02 [error] 640#640: *18 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.70, server: docs.example.org, request: "GET /guide/ HTTP/1.1", upstream: "http://[::1]:8000/guide/", host: "docs.example.org"
2026/01/15 07:55:09 [error] 640#640: *25 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.52, server: docs.example.org, request: "GET /search?q=timeout HTTP/1.1", upstream: "http://[::1]:8000/search?q=timeout", host: "docs.example.org"
`;

const nginx = `server {
    listen 80;
    server_name docs.example.org;

    location / {
        proxy_pass http://localhost:8000;
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `bind = "127.0.0.1:8000"
workers = 2
`;

export const sample: Sample = {
  id: 'address-mismatch',
  title: 'Wrong address: localhost resolves to ::1, the app listens on 127.0.0.1',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'docs.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
  ],
};
