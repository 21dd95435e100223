# gthread workers keep idle connections 5 s, longer than nginx's pool does (2 s); requests
# may run 90 s, longer than nginx waits (proxy_read_timeout 60 s by default).
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
worker_class = "gthread"
threads = 4
keepalive = 5
timeout = 90
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
