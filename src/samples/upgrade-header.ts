import type { Sample } from './index.ts';

// "Connection: upgrade" sent on every request, not only WebSocket handshakes.
// No error yet: the access log only shows traffic. The rule is a config smell (it claims no
// log line), so pasting a 502 here would rightly rank the "unexplained" checklist first.
const log = `192.0.2.90 - - [20/Feb/2026:17:02:31 +0000] "GET /live/rooms/7 HTTP/1.1" 101 0 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0"
192.0.2.90 - - [20/Feb/2026:17:02:33 +0000] "GET /api/rooms HTTP/1.1" 200 1843 "https://chat.example.com/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0"
198.51.100.14 - - [20/Feb/2026:17:02:40 +0000] "POST /api/rooms/7/messages HTTP/1.1" 201 96 "https://chat.example.com/rooms/7" "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"
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
