bind = "0.0.0.0:8000"
workers = 4
timeout = 90
graceful_timeout = 30
max_requests = 1000
max_requests_jitter = 100
