import type { Sample } from './index.ts';

// A Django shop on a VM: supervisord runs uWSGI, and every deploy runs `supervisorctl restart
// shop`. supervisord sends SIGTERM, which uWSGI 2.0 takes as a brutal reload — workers killed
// mid-request, the server goes on running — so supervisord SIGKILLs it after stopwaitsecs.
// Checkouts in flight at that moment end as 502s.
const supervisord = `[program:shop]
command=/srv/shop/venv/bin/uwsgi --ini /etc/uwsgi/shop.ini
directory=/srv/shop/current
user=shop
autostart=true
autorestart=true
stopwaitsecs=10
stdout_logfile=/var/log/shop/uwsgi.out
`;

const ini = `[uwsgi]
chdir = /srv/shop/current
module = shop.wsgi:application
master = true
processes = 6
socket = /run/shop/uwsgi.sock
chmod-socket = 660
vacuum = true
`;

const nginx = `upstream shop {
    server unix:/run/shop/uwsgi.sock;
}

server {
    listen 80;
    server_name shop.example.org;

    location / {
        include uwsgi_params;
        uwsgi_pass shop;
        uwsgi_read_timeout 60s;
    }
}
`;

const cut = (time: string, id: number, path: string) =>
  `2026/12/02 18:40:${time} [error] 9120#9120: *${id} upstream prematurely closed connection while reading response header from upstream, client: 198.51.100.${id % 200}, server: shop.example.org, request: "POST ${path} HTTP/1.1", upstream: "uwsgi://unix:/run/shop/uwsgi.sock:", host: "shop.example.org"`;

const log = `2026-12-02 18:40:03,411 INFO waiting for shop to stop
2026-12-02 18:40:05,413 INFO waiting for shop to stop
${cut('03', 77120, '/checkout/pay')}
${cut('03', 77123, '/cart/add')}
2026-12-02 18:40:07,415 INFO waiting for shop to stop
2026-12-02 18:40:09,417 INFO waiting for shop to stop
2026-12-02 18:40:13,421 WARN killing 'shop' (4101) with SIGKILL
2026-12-02 18:40:13,425 WARN stopped: shop (terminated by SIGKILL)
2026-12-02 18:40:14,430 INFO spawned: 'shop' with pid 4388
`;

export const sample: Sample = {
  id: 'deploy-termination-supervisord',
  title: 'supervisord restarts uWSGI: SIGTERM is a brutal reload, checkouts cut, then SIGKILL',
  log,
  files: [
    { name: 'supervisor/shop.conf', text: supervisord },
    { name: 'uwsgi/shop.ini', text: ini },
    { name: 'nginx/shop.conf', text: nginx },
  ],
};
