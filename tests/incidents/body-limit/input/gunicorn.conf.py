# /etc/paperdesk/gunicorn.conf.py
bind = "127.0.0.1:8000"
workers = 4
worker_class = "sync"
timeout = 90
accesslog = "-"
