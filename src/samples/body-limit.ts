import type { Sample } from './index.ts';

// Uploads over nginx's default 1 MB body limit (413, logged as an error).
const log = `2026/06/11 09:03:22 [error] 1201#1201: *551 client intended to send too large body: 4718592 bytes, client: 203.0.113.55, server: files.example.com, request: "POST /upload HTTP/1.1", host: "files.example.com"
2026/06/11 09:05:40 [error] 1201#1201: *602 client intended to send too large body: 2306867 bytes, client: 198.51.100.12, server: files.example.com, request: "POST /upload HTTP/1.1", host: "files.example.com"
`;

const nginx = `server {
    listen 80;
    server_name files.example.com;

    location /upload {
        proxy_pass http://127.0.0.1:9000;
        proxy_set_header Host $host;
    }
}
`;

export const sample: Sample = {
  id: 'body-limit',
  title: 'Uploads rejected: request body over client_max_body_size',
  log,
  nginxVersion: '1.22.1',
  files: [{ name: 'files.conf', text: nginx }],
};
