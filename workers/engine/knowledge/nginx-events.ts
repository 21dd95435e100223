import type { EventExplanation } from './types.ts';

/**
 * nginx error-log and access-log events. Written from nginx's behaviour (ngx_http_upstream):
 * which failures count for proxy_next_upstream, when a retry is allowed, and what the client
 * receives (502 for errors and invalid responses, 504 for timeouts).
 */
export const NGINX_ERROR: Record<string, EventExplanation> = {
  'premature-close': {
    title: 'Upstream closed the connection early',
    what: 'nginx had sent the request (or part of it) and was reading the response when the upstream closed the connection: read() returned 0 bytes before a complete response header (or, "while reading upstream", before the whole body). With FastCGI nginx words it "upstream prematurely closed FastCGI stdout".',
    meaning:
      'Before the header: the client gets 502 unless nginx may pass the request to another server. After the header was sent: the client receives a truncated body. POST, LOCK and PATCH are not passed to the next server once the request was sent (since nginx 1.9.13) unless proxy_next_upstream has non_idempotent.',
    causes: [
      "A reused keepalive connection that the upstream had already closed as idle (its keep-alive timeout is shorter than nginx's upstream keepalive_timeout): the request loses the race.",
      'The app-server worker handling the request died: killed for timeout (gunicorn WORKER TIMEOUT, uWSGI HARAKIRI), by the OOM killer, or crashed.',
      'The worker was recycled (max_requests, uWSGI lifetime) or the app restarted during a deploy while requests were in flight.',
      'php-fpm ended the child: request_terminate_timeout, or the child crashed (see "exited on signal" in the php-fpm log).',
      'Protocol mismatch: nginx speaks HTTP (proxy_pass) to a socket that expects uwsgi or FastCGI, or the reverse, and the server drops the connection.',
      'The request header or body exceeded an app-server limit (uWSGI buffer-size, gunicorn limit_request_line) and the server closed without answering.',
    ],
  },
  'upstream-timeout': {
    title: 'Upstream timed out',
    what: 'A timer on the upstream connection expired: proxy_connect_timeout "while connecting", proxy_send_timeout "while sending request", proxy_read_timeout "while reading response header" or "while reading upstream" (the time between two successive reads, not the whole response).',
    meaning:
      'The client gets 504 Gateway Time-out when no response header arrived; a timeout while reading the body truncates the response. errno 110 is ETIMEDOUT.',
    causes: [
      'The application takes longer than proxy_read_timeout (default 60s) for this request: slow query, external call, lock.',
      'All app-server workers are busy, so the request waits in the listen backlog until nginx gives up.',
      'While connecting: the upstream host is down or a firewall drops SYNs (no refusal, no answer).',
      "The app-server's own timeout is longer than nginx's, so nginx gives up first (or shorter, and the worker is killed: see premature close).",
    ],
  },
  'connect-refused': {
    title: 'Connection refused',
    what: 'connect() to the upstream failed with ECONNREFUSED (111): nothing is listening on that TCP port or unix socket.',
    meaning:
      'The request never reached the app. nginx tries the next server if there is one (error is a default proxy_next_upstream case); otherwise the client gets 502.',
    causes: [
      'The app server is not running: crashed, still starting, or restarting during a deploy.',
      'nginx points at the wrong port or address (e.g. 127.0.0.1 while the app listens in another container).',
      'The app listens on another interface (127.0.0.1 inside a container, IPv4 only while nginx resolves ::1).',
      'A stale unix socket file left by a dead process.',
    ],
  },
  'socket-missing': {
    title: 'Socket file missing',
    what: 'connect() to a unix socket failed with ENOENT (2): the socket path does not exist.',
    meaning: 'The request never reached the app; the client gets 502.',
    causes: [
      'The app server is not running or has not created its socket yet.',
      "The path in nginx differs from the app's bind path (typo, different directory).",
      'nginx runs with PrivateTmp or in another container/namespace and sees a different /tmp or /run.',
    ],
  },
  'connect-eagain': {
    title: 'Socket backlog full',
    what: "connect() to a unix socket failed with EAGAIN (11): the listening socket's accept queue is full.",
    meaning: 'The app server is not accepting connections fast enough; the client gets 502.',
    causes: [
      'Every worker is busy with slow requests, so new connections pile up in the backlog.',
      'The backlog is small: gunicorn --backlog, uWSGI listen (default 100), limited by net.core.somaxconn.',
      'Too few workers for the traffic.',
    ],
  },
  'address-unavailable': {
    title: 'No local address or port available',
    what: 'connect() failed with EADDRNOTAVAIL (99): the kernel could not pick a local address/port for the connection, or the address is not usable here (such as ::1 with IPv6 disabled).',
    meaning: 'The request never left nginx; the client gets 502.',
    causes: [
      'Ephemeral ports exhausted: a new upstream connection for every request (no upstream keepalive) leaves thousands in TIME_WAIT.',
      'The upstream name resolves to ::1 (localhost) but IPv6 is disabled in the container or host.',
      'proxy_bind to an address the host does not have.',
    ],
  },
  'no-live-upstreams': {
    title: 'No live upstreams',
    what: 'nginx had to choose a server from the upstream group and every one was unavailable: marked failed (max_fails within fail_timeout), down, or at max_conns.',
    meaning:
      'nginx does not even try to connect; the client gets 502 at once. A group with a single server is never marked failed this way, so this usually follows failures on every server of a group.',
    causes: [
      'Earlier errors or timeouts marked every server failed for fail_timeout (default 10s; max_fails defaults to 1).',
      'All servers of the group are really down (deploy, crash).',
      'proxy_next_upstream retried the request on every server and all of them failed.',
    ],
  },
  'connection-reset': {
    title: 'Connection reset by the upstream',
    what: 'recv()/readv() (or send) on the upstream connection failed with ECONNRESET (104): the upstream sent a TCP RST.',
    meaning:
      'Before the response header: 502 (or a retry if allowed; POST, LOCK and PATCH are not retried since 1.9.13 without non_idempotent). While reading the body: the client receives a truncated response.',
    causes: [
      'The app-server process was killed while holding the connection (timeout kill, OOM kill, crash): the kernel resets its sockets.',
      "The upstream closed a keepalive connection with unread data or SO_LINGER 0, racing nginx's reuse of it.",
      "A load balancer or NAT between nginx and the upstream dropped the idle connection's state.",
    ],
  },
  'broken-pipe': {
    title: 'Broken pipe',
    what: 'writev()/send() failed with EPIPE (32): nginx wrote to a connection the peer had already closed.',
    meaning:
      'While sending the request to the upstream: the upstream closed first (502 unless retried). While sending to the client: the client went away, which is not an upstream failure.',
    causes: [
      'A reused keepalive connection the upstream had just closed as idle.',
      'The app server rejected or stopped reading a large request body (size limit) and closed.',
      'Sending to client: the user or a load balancer in front closed the connection (timeout, navigation away).',
    ],
  },
  'header-too-big': {
    title: 'Upstream response header too big',
    what: "The upstream's response header did not fit in proxy_buffer_size (4k or 8k by default, one memory page), the buffer nginx reads the header into.",
    meaning: 'nginx treats the response as invalid; the client gets 502.',
    causes: [
      'Large Set-Cookie headers (session data in cookies), many cookies at once.',
      'Long Location, CSP or Link headers generated by the app.',
      'proxy_buffer_size (or fastcgi_buffer_size / uwsgi_buffer_size) left at its default.',
    ],
  },
  'body-too-large': {
    title: 'Request body over the limit',
    what: 'The client announced (Content-Length) or sent a request body larger than client_max_body_size (default 1m).',
    meaning:
      'nginx answers 413 Request Entity Too Large itself; the request never reaches the upstream.',
    causes: [
      'Uploads bigger than client_max_body_size in the server or location that handled them.',
      'The limit was raised in another server/location block than the one the upload hits.',
    ],
  },
  'invalid-header': {
    title: 'Invalid response from upstream',
    what: 'The upstream answered with something nginx could not parse as a response header for the protocol it speaks ("upstream sent invalid header", "no valid HTTP/1.0 header", invalid status line).',
    meaning: 'The client gets 502 (or a retry: invalid_header is a proxy_next_upstream case).',
    causes: [
      'Protocol mismatch: proxy_pass (HTTP) to a uwsgi or FastCGI socket, uwsgi_pass to an HTTP server, HTTPS spoken to a plain-HTTP port or the reverse.',
      'The app wrote debug output before its headers, or a header with illegal characters.',
      'An HTTP/2- or gRPC-only server behind proxy_pass.',
    ],
  },
  'server-disabled': {
    title: 'Upstream server temporarily disabled',
    what: 'A failed attempt (error, timeout, invalid header, or an http_5xx listed in proxy_next_upstream) reached max_fails within fail_timeout, so nginx stops choosing this server for fail_timeout.',
    meaning:
      'A warning, not a failure on its own: the next requests go to other servers, or get "no live upstreams" (502) when none is left.',
    causes: [
      'The failure logged just before it (premature close, refused, timeout) on the same server.',
      'max_fails=1 (the default) turns a single failure into a 10s outage of that server.',
    ],
  },
  'ssl-error': {
    title: 'TLS error with the upstream',
    what: 'The TLS handshake or a TLS read/write with the upstream failed (SSL_do_handshake(), SSL_read(), certificate verification).',
    meaning: 'The client gets 502 (retried on other servers as an error).',
    causes: [
      'proxy_pass https:// to a port that speaks plain HTTP, or the reverse.',
      'Missing SNI: the upstream needs proxy_ssl_server_name on (and proxy_ssl_name) to pick its certificate.',
      'Certificate verification failed (proxy_ssl_verify on with an untrusted or mismatched certificate).',
      'No shared protocol or cipher (an old upstream that only speaks TLS 1.0/1.1).',
    ],
  },
  'host-unreachable': {
    title: 'Upstream host unreachable',
    what: 'connect() failed with EHOSTUNREACH (113) or ENETUNREACH (101): no route to the upstream address.',
    meaning: 'The request never reached the app; the client gets 502.',
    causes: [
      'The upstream container or pod is gone and its IP no longer exists (stale DNS cached by nginx at startup).',
      'A firewall rejects the traffic with an ICMP unreachable.',
      'Wrong network: nginx and the app are on different Docker networks.',
    ],
  },
  'permission-denied': {
    title: 'Permission denied on the upstream socket',
    what: "connect() to a unix socket failed with EACCES (13): nginx's worker user may not write to the socket or search its directory.",
    meaning: 'The request never reached the app; the client gets 502.',
    causes: [
      "Socket mode or owner does not allow nginx's user (www-data, nginx) (gunicorn --umask, uWSGI chmod-socket).",
      'SELinux denies httpd_t connecting to the socket.',
      "A parent directory (such as a home directory) is not searchable by nginx's user.",
    ],
  },
  'request-too-big': {
    title: 'Request too big for the uwsgi protocol',
    what: 'nginx builds a uwsgi packet from the request headers and uwsgi_param variables; its size field is 16 bits, so a packet over 65535 bytes cannot be sent.',
    meaning: 'nginx fails the request itself (500); it never reaches uWSGI.',
    causes: ['Very large cookies or headers.', 'Many or long uwsgi_param values.'],
  },
  'client-closed': {
    title: 'Client closed the connection',
    what: 'The client closed its connection before nginx could send the response; nginx closes the upstream connection too unless proxy_ignore_client_abort is on.',
    meaning:
      "Logged as status 499. Not an upstream failure, but often the client's own timeout firing while the upstream was slow.",
    causes: [
      "A client or load-balancer timeout shorter than the upstream's response time.",
      'Users navigating away or retrying.',
    ],
  },
  'client-timeout': {
    title: 'Client timed out',
    what: 'nginx waited longer than client_header_timeout or client_body_timeout for the client.',
    meaning: 'Not an upstream failure: the request is dropped (408) before or while being read.',
    causes: ['Slow or stalled clients.', 'A load balancer opening connections it does not use.'],
  },
  other: {
    title: 'Other nginx message',
    what: "A line in nginx's error-log format whose message is not one of the upstream failures this tool classifies.",
    meaning: 'Shown for context; it is not counted as an upstream failure.',
    causes: [],
  },
};

export const AWS_LB: Record<string, EventExplanation> = {
  response: {
    title: 'Load balancer response',
    what: 'One request as the AWS load balancer (ALB or Classic ELB) logged it, in front of its target (nginx, or the app server itself): its own status, the target’s status and how long each side took.',
    meaning:
      'A 502 or 504 with target status "-" and target processing time -1 never got an answer from the target: for a 502 the connection to it was closed or reset (or could not be opened); for a 504 the balancer’s idle timeout ran out while it waited. The target logs nothing for a connection it closed as idle. With a target status of its own (a 502 from nginx), the target answered: its error log says why.',
    causes: [
      'the target closed an idle connection (nginx keepalive_timeout, gunicorn keepalive, Node keepAliveTimeout, uvicorn --timeout-keep-alive) that the balancer was about to reuse: the balancer’s idle timeout is not shorter than the target’s',
      'the target was restarting or not listening on the target port',
      'the target took longer than the balancer’s idle timeout to answer (504)',
      'nginx itself answered 502/504 (target status 502/504): a failure behind nginx, in its error log',
    ],
  },
};

export const NGINX_ACCESS: Record<string, EventExplanation> = {
  response: {
    title: 'Access-log response',
    what: 'One request as the access log recorded it: status, and with a suitable log_format the upstream address, status and timings ($upstream_connect_time, $upstream_header_time, $upstream_response_time, $request_time).',
    meaning:
      '502, 503 and 504 are counted as failures. A 502 with $upstream_connect_time 0.000 is consistent with a connection reused from the upstream keepalive cache (nginx does not connect for it), though a connect under 1 ms on a local socket also shows 0.000.',
    causes: [],
  },
};
