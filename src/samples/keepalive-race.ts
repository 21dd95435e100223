import type { Sample } from './index.ts';

// A Flask API on gunicorn gthread workers (keep-alive 2 s by default) behind an nginx pool
// whose idle connections live 60 s: nginx reuses sockets gunicorn has just closed.
const log = `2026/10/02 14:05:31 [error] 3102#3102: *77120 upstream prematurely closed connection while reading response header from upstream, client: 198.51.100.23, server: notes.example.net, request: "POST /api/notes HTTP/1.1", upstream: "http://127.0.0.1:5000/api/notes", host: "notes.example.net"
2026/10/02 14:07:02 [error] 3102#3102: *77388 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.61, server: notes.example.net, request: "POST /api/notes/8812/share HTTP/1.1", upstream: "http://127.0.0.1:5000/api/notes/8812/share", host: "notes.example.net"
2026/10/02 14:11:47 [error] 3103#3103: *78014 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.144, server: notes.example.net, request: "PATCH /api/notes/9020 HTTP/1.1", upstream: "http://127.0.0.1:5000/api/notes/9020", host: "notes.example.net"
`;

const nginx = `upstream notes_api {
    server 127.0.0.1:5000;
    keepalive 16;
}

server {
    listen 80;
    server_name notes.example.net;

    location /api/ {
        proxy_pass http://notes_api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
    }
}
`;

const gunicorn = `# gunicorn -c gunicorn.conf.py notes:app
bind = "127.0.0.1:5000"
workers = 3
worker_class = "gthread"
threads = 4
timeout = 30
`;

export const sample: Sample = {
  id: 'keepalive-race',
  title: 'Keepalive race: nginx reuses connections gunicorn already closed',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/notes.conf', text: nginx },
    { name: 'gunicorn.conf.py', text: gunicorn },
  ],
};
