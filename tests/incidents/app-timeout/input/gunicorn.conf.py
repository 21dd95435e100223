# gunicorn config for the shop (systemd: ExecStart=gunicorn -c /srv/shop/gunicorn.conf.py shop.wsgi)
import multiprocessing

bind = "127.0.0.1:8000"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
timeout = 30
accesslog = "-"
errorlog = "-"
