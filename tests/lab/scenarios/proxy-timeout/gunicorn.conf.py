# Sync workers allowed 120 s per request: the app is not what cuts the slow requests off.
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
worker_class = "sync"
timeout = 120
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
