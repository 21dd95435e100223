import type { Sample } from './index.ts';

// 504s: a report endpoint takes longer than nginx's 30 s read timeout.
const log = `2026/08/03 16:20:12 [error] 41#41: *9120 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.77, server: stats.example.com, request: "GET /api/reports/monthly HTTP/1.1", upstream: "http://10.2.0.15:3000/api/reports/monthly", host: "stats.example.com"
2026/08/03 16:24:55 [error] 41#41: *9288 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.3, server: stats.example.com, request: "GET /api/reports/monthly HTTP/1.1", upstream: "http://10.2.0.15:3000/api/reports/monthly", host: "stats.example.com"
2026/08/03 16:31:40 [error] 42#42: *9604 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.120, server: stats.example.com, request: "GET /api/reports/yearly HTTP/1.1", upstream: "http://10.2.0.15:3000/api/reports/yearly", host: "stats.example.com"
`;

const nginx = `server {
    listen 80;
    server_name stats.example.com;

    location /api/ {
        proxy_pass http://10.2.0.15:3000;
        proxy_read_timeout 30s;
        proxy_set_header Host $host;
    }
}
`;

export const sample: Sample = {
  id: 'proxy-timeout',
  title: '504: nginx stops waiting for a slow report endpoint',
  log,
  nginxVersion: '1.24.0',
  files: [{ name: 'stats.conf', text: nginx }],
};
