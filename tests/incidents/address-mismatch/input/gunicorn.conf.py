# Since the move to a per-app socket directory (systemd RuntimeDirectory=wiki).
bind = "unix:/run/wiki/gunicorn.sock"
workers = 3
timeout = 90
graceful_timeout = 30
