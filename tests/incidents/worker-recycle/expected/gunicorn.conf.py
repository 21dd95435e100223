"""gunicorn settings for the API (gunicorn -c gunicorn.conf.py api.wsgi)."""

bind = "unix:/run/gunicorn/api.sock"
workers = 4
worker_class = "gthread"
threads = 8

# the ORM cache grows; restart workers now and then
max_requests = 2000

loglevel = "info"
max_requests_jitter = 200
