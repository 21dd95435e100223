import type { Sample } from './index.ts';

const log = `2026/11/20 23:41:07 [crit] 2731#2731: *884213 connect() to 10.0.3.17:8000 failed (99: Cannot assign requested address) while connecting to upstream, client: 203.0.113.24, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://10.0.3.17:8000/api/cart", host: "shop.example.com"
2026/11/20 23:41:07 [crit] 2731#2731: *884219 connect() to 10.0.3.18:8000 failed (99: Cannot assign requested address) while connecting to upstream, client: 198.51.100.7, server: shop.example.com, request: "POST /api/checkout HTTP/1.1", upstream: "http://10.0.3.18:8000/api/checkout", host: "shop.example.com"
2026/11/20 23:41:08 [crit] 2732#2732: *884301 connect() to 10.0.3.17:8000 failed (99: Cannot assign requested address) while connecting to upstream, client: 203.0.113.90, server: shop.example.com, request: "GET /api/products?page=3 HTTP/1.1", upstream: "http://10.0.3.17:8000/api/products?page=3", host: "shop.example.com"
2026/11/20 23:41:09 [error] 2732#2732: *884377 no live upstreams while connecting to upstream, client: 192.0.2.41, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://shop_api/api/cart", host: "shop.example.com"
`;

const nginxConf = `upstream shop_api {
    server 10.0.3.17:8000 max_fails=3 fail_timeout=10s;
    server 10.0.3.18:8000 max_fails=3 fail_timeout=10s;
    keepalive 64;
}

server {
    listen 443 ssl;
    server_name shop.example.com;

    ssl_certificate     /etc/ssl/shop.example.com.pem;
    ssl_certificate_key /etc/ssl/shop.example.com.key;

    location /api/ {
        proxy_pass http://shop_api;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_read_timeout 30s;
    }

    location /ws/ {
        proxy_pass http://shop_api;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`;

export const sample: Sample = {
  id: 'keepalive-inert',
  title: 'Keepalive pool that never keeps a connection (port exhaustion)',
  log,
  nginxVersion: '1.24.0',
  files: [{ name: 'sites-enabled/shop.conf', text: nginxConf }],
};
