# /etc/gunicorn/gunicorn.conf.py (mounted from a ConfigMap)
import multiprocessing

bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gevent"
worker_connections = 500
keepalive = 5
timeout = 90
graceful_timeout = 30
accesslog = "-"
