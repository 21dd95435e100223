import type { Sample } from './index.ts';

// "Connection: upgrade" sent on every request, not only WebSocket handshakes.
const log = `2026/02/20 17:02:33 [error] 51#51: *7001 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.90, server: chat.example.com, request: "GET /api/rooms HTTP/1.1", upstream: "http://127.0.0.1:4000/api/rooms", host: "chat.example.com"
`;

const nginx = `server {
    listen 80;
    server_name chat.example.com;

    location / {
        proxy_pass http://127.0.0.1:4000;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $host;
    }
}
`;

export const sample: Sample = {
  id: 'upgrade-header',
  title: 'Hard-coded Connection "upgrade" on ordinary requests',
  log,
  nginxVersion: '1.24.0',
  files: [{ name: 'chat.conf', text: nginx }],
};
