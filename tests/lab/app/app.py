"""The lab's tiny WSGI app, served by gunicorn and uWSGI alike.

Endpoints (any method; a request body is always read in full, so POSTs look like real ones):
  /fast              200 at once
  /slow?s=N          sleeps N seconds (float), then 200: trips app-server timeouts
  /cpu?ms=N          computes for N milliseconds (holds the GIL), then 200
  /alloc?mb=N        allocates and touches N MiB, holds it for ?hold=S seconds, then 200
  /bigheader?kb=N    200 with an N KiB response header: trips nginx's *_buffer_size
  /cookie            200 with the size of the Cookie header it received
  /echo              200 with the size of the request body it read
Every response says which worker pid served it, which makes recycling visible.
"""

import os
import time
from urllib.parse import parse_qs


def _num(query, name, default):
    try:
        return float(query.get(name, [default])[0])
    except ValueError:
        return float(default)


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = [("Content-Type", "text/plain"), ("X-Worker-Pid", str(os.getpid()))]

    if path == "/slow":
        time.sleep(_num(query, "s", 1))
        text = "slow"
    elif path == "/cpu":
        end = time.monotonic() + _num(query, "ms", 10) / 1000
        n = 0
        while time.monotonic() < end:
            n += 1
        text = "cpu %d" % n
    elif path == "/alloc":
        size = int(_num(query, "mb", 10)) * 1024 * 1024
        block = bytearray(size)
        for i in range(0, size, 4096):  # touch every page so it is really resident
            block[i] = 1
        time.sleep(_num(query, "hold", 0))
        text = "allocated %d" % len(block)
    elif path == "/bigheader":
        headers.append(("X-Big", "b" * int(_num(query, "kb", 8) * 1024)))
        text = "bigheader"
    elif path == "/cookie":
        text = "cookie %d" % len(environ.get("HTTP_COOKIE", ""))
    elif path == "/echo":
        text = "echo %d" % len(body)
    else:
        text = "fast"

    data = (text + "\n").encode()
    headers.append(("Content-Length", str(len(data))))
    start_response("200 OK", headers)
    return [data]
