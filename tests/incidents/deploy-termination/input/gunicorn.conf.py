# /etc/shop/gunicorn.conf.py (ConfigMap shop-gunicorn)
bind = "0.0.0.0:8000"
workers = 4
timeout = 90
accesslog = "-"
errorlog = "-"
