# /srv/billing/gunicorn.conf.py, started by systemd (billing.service)
bind = "127.0.0.1:8000"
workers = 3
timeout = 75
