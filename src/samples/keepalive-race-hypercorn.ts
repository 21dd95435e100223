import type { Sample } from './index.ts';

// A Quart service on hypercorn, started by systemd with a TOML config that never sets
// keep_alive_timeout (5 s by default), behind an nginx pool that keeps idle connections 60 s.
// The failed requests are the POSTs and PATCHes nginx does not retry on a fresh connection.
const log = `2026/12/03 09:14:07 [error] 1187#1187: *80211 upstream prematurely closed connection while reading response header from upstream, client: 10.20.4.17, server: orders.internal, request: "POST /v2/orders HTTP/1.1", upstream: "http://127.0.0.1:8300/v2/orders", host: "orders.internal"
2026/12/03 09:31:52 [error] 1187#1187: *80764 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.20.4.31, server: orders.internal, request: "PATCH /v2/orders/88120 HTTP/1.1", upstream: "http://127.0.0.1:8300/v2/orders/88120", host: "orders.internal"
2026/12/03 10:02:15 [error] 1188#1188: *81990 upstream prematurely closed connection while reading response header from upstream, client: 10.20.4.17, server: orders.internal, request: "POST /v2/orders/88131/refunds HTTP/1.1", upstream: "http://127.0.0.1:8300/v2/orders/88131/refunds", host: "orders.internal"
`;

const nginx = `upstream orders {
    server 127.0.0.1:8300;
    keepalive 32;
}

server {
    listen 80;
    server_name orders.internal;

    location / {
        proxy_pass http://orders;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_read_timeout 30s;
    }
}
`;

const unit = `[Unit]
Description=orders API (Quart on hypercorn)
After=network.target

[Service]
User=orders
WorkingDirectory=/srv/orders
ExecStart=/srv/orders/venv/bin/hypercorn -c /etc/orders/hypercorn.toml orders.app:app
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

const toml = `bind = ["127.0.0.1:8300"]
workers = 3
worker_class = "uvloop"
graceful_timeout = 20
accesslog = "/var/log/orders/access.log"
`;

export const sample: Sample = {
  id: 'keepalive-race-hypercorn',
  title: 'Quart on hypercorn under systemd: nginx reuses connections hypercorn closed (5 s)',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/orders.conf', text: nginx },
    { name: 'orders.service', text: unit },
    { name: 'hypercorn.toml', text: toml },
  ],
};
