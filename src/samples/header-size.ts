import type { Sample } from './index.ts';

// A login response sets big cookies: the header no longer fits nginx's 4k proxy buffer.
const log = `2026/05/30 19:44:10 [error] 77#77: *12001 upstream sent too big header while reading response header from upstream, client: 192.0.2.201, server: sso.example.com, request: "POST /login/callback HTTP/1.1", upstream: "http://127.0.0.1:8081/login/callback", host: "sso.example.com"
2026/05/30 19:46:31 [error] 77#77: *12090 upstream sent too big header while reading response header from upstream, client: 198.51.100.88, server: sso.example.com, request: "POST /login/callback HTTP/1.1", upstream: "http://127.0.0.1:8081/login/callback", host: "sso.example.com"
`;

const nginx = `server {
    listen 80;
    server_name sso.example.com;

    location / {
        proxy_pass http://127.0.0.1:8081;
        proxy_buffer_size 4k;
        proxy_set_header Host $host;
    }
}
`;

export const sample: Sample = {
  id: 'header-size',
  title: 'Response headers too big for nginx’s proxy buffer',
  log,
  nginxVersion: '1.24.0',
  files: [{ name: 'sso.conf', text: nginx }],
};
