# gunicorn with threaded workers: they keep idle HTTP/1.1 connections for `keepalive` seconds.
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
worker_class = "gthread"
threads = 4
keepalive = 2
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
