bind = "0.0.0.0:8000"
workers = 4
timeout = 90
graceful_timeout = 30
