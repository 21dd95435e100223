# Shop backend: threaded workers so slow payment calls don't block the whole process.
import multiprocessing

wsgi_app = "shop.wsgi:application"
bind = "127.0.0.1:8000"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gthread"
threads = 8
timeout = 90
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
