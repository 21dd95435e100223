# One sync worker and a listen backlog of 4: a burst beyond that is not queued by the kernel.
wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "unix:{{DIR}}/run/app.sock"
workers = 1
backlog = 4
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
