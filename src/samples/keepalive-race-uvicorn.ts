import type { Sample } from './index.ts';

// A FastAPI service run by uvicorn in docker compose, with no --timeout-keep-alive (5 s by
// default), behind an nginx pool that keeps idle connections to the service 60 s. nginx logs
// the address the compose name resolved to; the failed requests are the POSTs it never retries.
const log = `2026/11/30 18:02:44 [error] 24#24: *3310 upstream prematurely closed connection while reading response header from upstream, client: 172.21.0.1, server: tickets.example.net, request: "POST /api/tickets HTTP/1.1", upstream: "http://172.21.0.3:8080/api/tickets", host: "tickets.example.net"
2026/11/30 18:06:19 [error] 24#24: *3402 upstream prematurely closed connection while reading response header from upstream, client: 172.21.0.1, server: tickets.example.net, request: "POST /api/tickets/4410/comments HTTP/1.1", upstream: "http://172.21.0.3:8080/api/tickets/4410/comments", host: "tickets.example.net"
2026/11/30 18:15:02 [error] 24#24: *3587 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 172.21.0.1, server: tickets.example.net, request: "POST /api/tickets/4418/close HTTP/1.1", upstream: "http://172.21.0.3:8080/api/tickets/4418/close", host: "tickets.example.net"
api-1  | INFO:     Started server process [1]
api-1  | INFO:     Waiting for application startup.
api-1  | INFO:     Application startup complete.
api-1  | INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)
`;

const nginx = `upstream tickets_api {
    server api:8080;
    keepalive 24;
}

server {
    listen 80;
    server_name tickets.example.net;

    location /api/ {
        proxy_pass http://tickets_api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
    }
}
`;

const compose = `services:
  web:
    image: nginx:1.24
    ports:
      - "80:80"
    volumes:
      - ./nginx/tickets.conf:/etc/nginx/conf.d/default.conf:ro
  api:
    build: ./api
    command: uvicorn tickets.main:app --host 0.0.0.0 --port 8080 --proxy-headers
    stop_grace_period: 20s
`;

export const sample: Sample = {
  id: 'keepalive-race-uvicorn',
  title: 'FastAPI on uvicorn in compose: nginx reuses connections uvicorn closed (5 s)',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/tickets.conf', text: nginx },
    { name: 'compose.yaml', text: compose },
  ],
};
