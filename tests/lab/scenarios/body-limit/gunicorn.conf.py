wsgi_app = "app:app"
chdir = "{{APP_DIR}}"
bind = "127.0.0.1:{{APP_PORT}}"
workers = 2
errorlog = "{{DIR}}/logs/gunicorn.log"
loglevel = "info"
