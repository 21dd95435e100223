import type { Sample } from './index.ts';

// nginx in front of an Apache httpd running a PHP shop on the same host. Someone turned on
// nginx's upstream keepalive (60 s by default) for speed; Apache closes idle connections after
// its KeepAliveTimeout of 5 s. The form posts nginx does not retry come back as 502.
const log = `2026/12/04 16:41:09 [error] 2231#2231: *918204 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.61, server: store.example.net, request: "POST /checkout/confirm HTTP/1.1", upstream: "http://127.0.0.1:8081/checkout/confirm", host: "store.example.net"
2026/12/04 16:58:37 [error] 2231#2231: *921877 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 198.51.100.14, server: store.example.net, request: "POST /cart/items HTTP/1.1", upstream: "http://127.0.0.1:8081/cart/items", host: "store.example.net"
2026/12/04 17:12:50 [error] 2232#2232: *924410 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.88, server: store.example.net, request: "POST /account/address HTTP/1.1", upstream: "http://127.0.0.1:8081/account/address", host: "store.example.net"
`;

const nginx = `upstream store_backend {
    server 127.0.0.1:8081;
    keepalive 16;
}

server {
    listen 80;
    server_name store.example.net;

    location / {
        proxy_pass http://store_backend;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
`;

const ports = `# Apache listens on loopback only: nginx is in front.
Listen 127.0.0.1:8081
`;

const site = `<VirtualHost 127.0.0.1:8081>
    ServerName store.example.net
    DocumentRoot /srv/store/public

    <Directory /srv/store/public>
        AllowOverride All
        Require all granted
    </Directory>

    ErrorLog \${APACHE_LOG_DIR}/store-error.log
    CustomLog \${APACHE_LOG_DIR}/store-access.log combined
</VirtualHost>
`;

export const sample: Sample = {
  id: 'keepalive-race-apache',
  title: 'nginx in front of Apache httpd: nginx reuses connections Apache closed (5 s)',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/store.conf', text: nginx },
    { name: 'apache2/ports.conf', text: ports },
    { name: 'apache2/sites-enabled/store.conf', text: site },
  ],
};
