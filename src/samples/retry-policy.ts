import type { Sample } from './index.ts';

// Two app servers; a timed-out request is tried again on the other one, doubling the wait.
const log = `2026/05/05 10:10:31 [error] 700#700: *3010 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.30, server: pay.example.com, request: "GET /api/invoices/search HTTP/1.1", upstream: "http://10.3.0.11:8000/api/invoices/search", host: "pay.example.com"
2026/05/05 10:11:31 [error] 700#700: *3010 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.30, server: pay.example.com, request: "GET /api/invoices/search HTTP/1.1", upstream: "http://10.3.0.12:8000/api/invoices/search", host: "pay.example.com"
`;

const nginx = `upstream pay {
    server 10.3.0.11:8000;
    server 10.3.0.12:8000;
}

server {
    listen 80;
    server_name pay.example.com;

    location /api/ {
        proxy_pass http://pay;
        proxy_set_header Host $host;
    }
}
`;

export const sample: Sample = {
  id: 'retry-policy',
  title: 'Unbounded retries: a slow request waits on every upstream server in turn',
  log,
  nginxVersion: '1.24.0',
  files: [{ name: 'pay.conf', text: nginx }],
};
