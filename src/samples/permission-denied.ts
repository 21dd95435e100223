import type { Sample } from './index.ts';

// A new uWSGI app behind nginx on Debian: uWSGI drops to its own user and creates its socket
// without chmod-socket, so nginx (www-data) may not write to it.
const log = `2026/03/09 22:41:17 [crit] 1203#1203: *5 connect() to unix:/run/uwsgi/wiki.sock failed (13: Permission denied) while connecting to upstream, client: 203.0.113.15, server: wiki.example.net, request: "GET / HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/wiki.sock:", host: "wiki.example.net"
2026/03/09 22:41:18 [crit] 1203#1203: *7 connect() to unix:/run/uwsgi/wiki.sock failed (13: Permission denied) while connecting to upstream, client: 203.0.113.15, server: wiki.example.net, request: "GET /favicon.ico HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/wiki.sock:", host: "wiki.example.net"
`;

const nginx = `user www-data;
worker_processes auto;

events {
    worker_connections 768;
}

http {
    server {
        listen 80;
        server_name wiki.example.net;

        location / {
            include uwsgi_params;
            uwsgi_pass unix:/run/uwsgi/wiki.sock;
        }
    }
}
`;

const uwsgi = `[uwsgi]
plugins = python3
chdir = /srv/wiki
module = wiki.app:application
master = true
processes = 2
uid = wiki
gid = wiki
socket = /run/uwsgi/wiki.sock
vacuum = true
`;

export const sample: Sample = {
  id: 'permission-denied',
  title: 'Permission denied: nginx may not write to the uWSGI socket',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'nginx.conf', text: nginx },
    { name: 'wiki.ini', text: uwsgi },
  ],
};
