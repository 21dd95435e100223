"""gunicorn settings for the API (gunicorn -c gunicorn.conf.py api.wsgi)."""

bind = "unix:/run/gunicorn/api.sock"
workers = 4
worker_class = "gthread"
threads = 8
# longer than nginx's upstream keepalive_timeout, so nginx closes idle connections first
keepalive = 75

# the ORM cache grows; restart workers now and then
max_requests = 2000

loglevel = "info"
max_requests_jitter = 200
