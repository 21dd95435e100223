wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "unix:{{DIR}}/run/gunicorn.sock"
workers = 2
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
