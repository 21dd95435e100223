import type { Sample } from './index.ts';

// The app failed to start after a deploy: nothing listens on the port nginx proxies to.
const log = `2026/04/18 02:14:09 [error] 1550#1550: *80110 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: blog.example.net, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "blog.example.net"
2026/04/18 02:14:12 [error] 1550#1550: *80114 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.90, server: blog.example.net, request: "GET /posts/tuning-nginx HTTP/1.1", upstream: "http://127.0.0.1:8000/posts/tuning-nginx", host: "blog.example.net"
2026/04/18 02:14:20 [error] 1550#1550: *80131 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.33, server: blog.example.net, request: "GET /feed.xml HTTP/1.1", upstream: "http://127.0.0.1:8000/feed.xml", host: "blog.example.net"
`;

const nginx = `server {
    listen 80;
    server_name blog.example.net;

    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `bind = "127.0.0.1:8000"
workers = 2
`;

export const sample: Sample = {
  id: 'backend-down',
  title: 'Backend down: connection refused',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'blog.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
  ],
};
