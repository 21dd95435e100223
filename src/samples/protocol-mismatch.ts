import type { Sample } from './index.ts';

// nginx speaks HTTP to a uWSGI "socket" that expects the uwsgi protocol.
const log = `2026/02/02 11:30:44 [error] 12#12: *301 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.60, server: inventory.example.com, request: "GET /items HTTP/1.1", upstream: "http://127.0.0.1:3031/items", host: "inventory.example.com"
2026/02/02 11:30:51 [error] 12#12: *305 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.61, server: inventory.example.com, request: "GET /items/17 HTTP/1.1", upstream: "http://127.0.0.1:3031/items/17", host: "inventory.example.com"
`;

const nginx = `server {
    listen 80;
    server_name inventory.example.com;

    location / {
        proxy_pass http://127.0.0.1:3031;
        proxy_set_header Host $host;
    }
}
`;

const uwsgi = `[uwsgi]
module = inventory.app:app
master = true
processes = 2
socket = 127.0.0.1:3031
`;

export const sample: Sample = {
  id: 'protocol-mismatch',
  title: 'Protocol mismatch: HTTP sent to a uwsgi-protocol socket',
  log,
  nginxVersion: '1.22.1',
  files: [
    { name: 'inventory.conf', text: nginx },
    { name: 'uwsgi.ini', text: uwsgi },
  ],
};
