import type { Sample } from './index.ts';

// A burst overflows uWSGI's listen queue (100 by default) on its unix socket.
const log = `2026/03/09 12:00:01 [error] 88#88: *40012 connect() to unix:/run/uwsgi/tickets.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 198.51.100.14, server: tickets.example.com, request: "POST /api/checkout HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/tickets.sock:", host: "tickets.example.com"
2026/03/09 12:00:01 [error] 88#88: *40015 connect() to unix:/run/uwsgi/tickets.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 203.0.113.201, server: tickets.example.com, request: "GET /api/events/42 HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/tickets.sock:", host: "tickets.example.com"
2026/03/09 12:00:02 [error] 89#89: *40020 connect() to unix:/run/uwsgi/tickets.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 192.0.2.18, server: tickets.example.com, request: "GET /api/events/42 HTTP/1.1", upstream: "uwsgi://unix:/run/uwsgi/tickets.sock:", host: "tickets.example.com"
`;

const nginx = `server {
    listen 80;
    server_name tickets.example.com;

    location / {
        include uwsgi_params;
        uwsgi_pass unix:/run/uwsgi/tickets.sock;
    }
}
`;

const uwsgi = `[uwsgi]
module = tickets.wsgi:application
master = true
processes = 4
socket = /run/uwsgi/tickets.sock
chmod-socket = 660
`;

export const sample: Sample = {
  id: 'backlog-full',
  title: 'Listen queue full: uWSGI socket refuses new connections (EAGAIN)',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'tickets.conf', text: nginx },
    { name: 'tickets.ini', text: uwsgi },
  ],
};
