# Workers restart after max_requests to bound memory growth, all on the same count.
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
worker_class = "gthread"
threads = 2
keepalive = 5
max_requests = 40
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
