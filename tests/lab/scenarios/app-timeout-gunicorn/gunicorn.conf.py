# Sync workers, killed by the master when a request runs longer than `timeout` seconds.
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
worker_class = "sync"
timeout = 3
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
