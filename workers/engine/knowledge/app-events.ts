import type { EventExplanation } from './types.ts';

/** gunicorn, uWSGI, php-fpm and Node.js events, from how each server manages its workers. */

export const GUNICORN: Record<string, EventExplanation> = {
  'worker-timeout': {
    title: 'gunicorn killed a worker for timeout',
    what: 'The arbiter saw a worker not notify it for more than `timeout` seconds (default 30) and killed it (SIGABRT, then SIGKILL).',
    meaning:
      'The request that worker was handling is lost: nginx sees the connection closed or reset ("upstream prematurely closed connection", 502).',
    causes: [
      "A request slower than gunicorn's timeout (slow query or external call) with sync workers.",
      'A worker blocked on I/O or a lock; with async workers, blocking code stops the heartbeat.',
      'CPU starvation (too many workers for the cores) or swapping.',
    ],
  },
  'worker-killed': {
    title: 'gunicorn worker killed by a signal',
    what: 'A worker exited because of a signal; "signal 9" / "was sent SIGKILL! Perhaps out of memory?" means SIGKILL from outside gunicorn\'s normal shutdown.',
    meaning: 'Requests in that worker are lost (nginx: premature close or reset, 502).',
    causes: [
      'The kernel or cgroup OOM killer (container memory limit) killed the worker.',
      'gunicorn itself after a timeout (SIGKILL follows SIGABRT).',
      'An orchestrator or operator sending SIGKILL.',
    ],
  },
  'worker-exit': {
    title: 'gunicorn worker exited',
    what: 'A worker process ended (normal exit, reload, max_requests, or an error while booting).',
    meaning: 'Harmless when graceful; an exit code other than 0 or 3 points at a crash.',
    causes: [
      'max_requests recycling or a reload (HUP).',
      'An exception during app import or boot.',
    ],
  },
  'worker-boot': {
    title: 'gunicorn booted a worker',
    what: 'The arbiter forked a new worker.',
    meaning:
      'Right after a kill or timeout it shows the replacement; many boots in a row mean workers keep dying.',
    causes: ['Start-up, reload, replacing a dead or recycled worker.'],
  },
  'worker-recycle': {
    title: 'gunicorn recycling a worker',
    what: 'The worker reached max_requests (plus jitter) and restarts after its current request.',
    meaning: 'Graceful by design; a keepalive connection from nginx to that worker is closed.',
    causes: ['max_requests set (often to bound memory leaks).'],
  },
  'socket-error': {
    title: 'gunicorn socket error',
    what: 'A socket error while reading the request or writing the response.',
    meaning: 'The connection to nginx broke mid-request.',
    causes: [
      'nginx closed the connection (its timeout fired, the client went away).',
      'A reset by an intermediate proxy.',
    ],
  },
  'request-error': {
    title: 'gunicorn request handling error',
    what: 'An exception escaped the application while handling a request.',
    meaning:
      'The client normally gets 500 from gunicorn; if the worker cannot answer, nginx sees a closed connection.',
    causes: ['An application bug; the traceback follows in the log.'],
  },
  shutdown: {
    title: 'gunicorn shutting down',
    what: 'The arbiter received TERM/INT/QUIT or is stopping.',
    meaning:
      'TERM stops gracefully within graceful_timeout (default 30s); INT/QUIT stop at once, dropping in-flight requests.',
    causes: ['A deploy or restart (systemd, Kubernetes sending SIGTERM to the pod).'],
  },
  reload: {
    title: 'gunicorn reloading',
    what: 'HUP: gunicorn starts new workers with the new configuration and stops the old ones gracefully.',
    meaning: 'In-flight requests finish in the old workers; keepalive connections to them close.',
    causes: ['A deploy or a configuration reload.'],
  },
  startup: {
    title: 'gunicorn starting',
    what: 'The arbiter started: version, bind address and worker class.',
    meaning: 'Marks a (re)start of the app server.',
    causes: ['A deploy, a crash restart, or a reboot.'],
  },
  other: {
    title: 'Other gunicorn message',
    what: 'A gunicorn log line this tool does not classify.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const UWSGI: Record<string, EventExplanation> = {
  harakiri: {
    title: 'uWSGI HARAKIRI',
    what: 'A worker spent longer than `harakiri` seconds on one request, so the master killed it (SIGKILL after the optional graceful signal).',
    meaning:
      'That request is lost: nginx sees "upstream prematurely closed connection" (502) or a reset.',
    causes: [
      'A request slower than the harakiri limit.',
      'A worker stuck on I/O, a lock or an external service.',
    ],
  },
  'worker-killed': {
    title: 'uWSGI worker killed by a signal',
    what: 'The master saw a worker die of a signal ("DAMN ! worker N died, killed by signal 9") and respawns it.',
    meaning: 'Requests in that worker are lost (502 in nginx).',
    causes: [
      'The OOM killer (signal 9), often from a container memory limit.',
      'A segfault in a C extension (signal 11).',
      'harakiri or reload-mercy kills.',
    ],
  },
  'header-too-big': {
    title: 'uWSGI request too big for its buffer',
    what: 'The uwsgi packet (request headers and variables) was larger than `buffer-size` (default 4096 bytes), so uWSGI skipped the request: "invalid request block size".',
    meaning:
      'uWSGI closes the connection without a response: nginx logs a premature close or reset, 502.',
    causes: ['Large cookies or headers, long query strings.', 'buffer-size left at 4096.'],
  },
  'body-too-large': {
    title: 'uWSGI refused a request body over limit-post',
    what: 'The request\'s Content-Length was larger than `limit-post`, so uWSGI skipped the request: "Invalid (too big) CONTENT_LENGTH. skip.".',
    meaning:
      'uWSGI closes the connection without a response: nginx logs a premature close, 502 (not the 413 a client could understand).',
    causes: [
      "`limit-post` lower than nginx's client_max_body_size for the same route.",
      'An upload larger than the app was configured for.',
    ],
  },
  'worker-recycle': {
    title: 'uWSGI recycling a worker',
    what: 'A worker reached max-requests, max-worker-lifetime, or a memory limit (reload-on-rss) and is replaced.',
    meaning:
      'Graceful by design, but requests in flight during a non-graceful recycle can be lost.',
    causes: ['max-requests / max-worker-lifetime / reload-on-rss settings.'],
  },
  'worker-exit': {
    title: 'uWSGI worker exited',
    what: 'A worker process ended (reload, recycle, or died without a signal).',
    meaning:
      'Context for a restart; "died" without a signal usually means the app called exit or failed to load.',
    causes: ['A reload or shutdown.', 'The application exited.'],
  },
  'worker-respawn': {
    title: 'uWSGI respawned a worker',
    what: 'The master started a replacement worker.',
    meaning: 'Follows a kill, harakiri or recycle; many respawns mean workers keep dying.',
    causes: ['A worker died or was recycled.'],
  },
  'worker-boot': {
    title: 'uWSGI spawned a worker',
    what: 'The master started a worker at start-up.',
    meaning: 'Marks a (re)start.',
    causes: ['Start-up or reload.'],
  },
  'listen-queue-full': {
    title: 'uWSGI listen queue full',
    what: "The socket's accept backlog is full (queued/limit): new connections are refused or wait.",
    meaning: 'nginx sees connect() failures (EAGAIN on unix sockets) or timeouts: 502/504.',
    causes: [
      'All workers busy with slow requests.',
      '`listen` (default 100) or net.core.somaxconn too small.',
      'Too few workers or threads.',
    ],
  },
  'connection-reset': {
    title: 'uWSGI connection reset',
    what: 'uWSGI (or its HTTP router reading from an instance) got ECONNRESET.',
    meaning: 'The other end dropped the connection mid-request.',
    causes: ['The worker behind the router died.', 'nginx or the client gave up and closed.'],
  },
  'broken-pipe': {
    title: 'uWSGI could not write the response',
    what: 'uWSGI wrote the response to a connection the peer had closed (EPIPE), usually followed by "OSError: write error".',
    meaning:
      'nginx (or the client) had already given up on this request, typically because its timeout fired first.',
    causes: [
      'proxy_read_timeout/uwsgi_read_timeout shorter than this request took.',
      'The client disconnected.',
    ],
  },
  request: {
    title: 'uWSGI request log',
    what: "uWSGI's per-request line: method, path, status, bytes and time.",
    meaning: "Shows what the app answered and how long it took, to compare with nginx's view.",
    causes: [],
  },
  shutdown: {
    title: 'uWSGI shutting down',
    what: 'The master received a stop signal and is killing workers.',
    meaning: 'Requests in flight may be lost unless the shutdown is graceful.',
    causes: ['A deploy or restart (SIGINT/SIGQUIT/SIGTERM).'],
  },
  startup: {
    title: 'uWSGI starting',
    what: 'uWSGI boot lines (version, limits).',
    meaning: 'Marks a (re)start of the app server.',
    causes: ['A deploy, a crash restart, or a reboot.'],
  },
  other: {
    title: 'Other uWSGI message',
    what: 'A uWSGI line this tool does not classify.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const PHP_FPM: Record<string, EventExplanation> = {
  'worker-killed': {
    title: 'php-fpm child killed by a signal',
    what: 'A pool child exited on a signal (SIGKILL, SIGSEGV …); the master spawns another.',
    meaning: 'The request in that child is lost: nginx logs a premature close or reset (502).',
    causes: [
      'The OOM killer.',
      'request_terminate_timeout kills (SIGTERM, then SIGKILL).',
      'A crash in an extension (SIGSEGV).',
    ],
  },
  'worker-exit': {
    title: 'php-fpm child exited',
    what: 'A pool child ended with an exit code (often pm.max_requests recycling).',
    meaning: 'Normal with code 0; other codes point at a fatal error.',
    causes: ['pm.max_requests.', 'A fatal error.'],
  },
  'request-timeout': {
    title: 'php-fpm terminated a slow request',
    what: 'A script ran longer than request_terminate_timeout, so the master terminated the child.',
    meaning: 'nginx sees the connection closed (502) or had already timed out (504).',
    causes: ['A slow script, query or external call.'],
  },
  'slow-request': {
    title: 'php-fpm slow request',
    what: 'A script ran longer than request_slowlog_timeout; its stack trace goes to the slow log.',
    meaning: 'A warning only; the request continues.',
    causes: ['A slow script, query or external call.'],
  },
  'max-children': {
    title: 'php-fpm reached pm.max_children',
    what: 'All children of the pool are busy and the pool may not start more.',
    meaning:
      'New requests wait in the listen backlog: nginx may time out (504) or fail to connect (502).',
    causes: [
      'Traffic above capacity.',
      'Slow requests holding children.',
      'pm.max_children too low.',
    ],
  },
  startup: {
    title: 'php-fpm starting',
    what: 'The php-fpm master started.',
    meaning: 'Marks a (re)start.',
    causes: ['A deploy, crash restart or reboot.'],
  },
  shutdown: {
    title: 'php-fpm stopping',
    what: 'The php-fpm master is terminating.',
    meaning: 'Requests in flight may be lost.',
    causes: ['A deploy or restart.'],
  },
  other: {
    title: 'Other php-fpm message',
    what: 'A php-fpm log line this tool does not classify.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const NODE: Record<string, EventExplanation> = {
  'heap-oom': {
    title: 'Node.js ran out of heap',
    what: 'V8 could not allocate within its heap limit (--max-old-space-size) and aborted the process.',
    meaning:
      'Every connection to that process is dropped: nginx logs premature closes or resets (502) until it restarts.',
    causes: ['A memory leak.', 'A heap limit below what the workload needs.'],
  },
  crash: {
    title: 'Node.js process crashed',
    what: 'An uncaught exception or unhandled promise rejection ended the process.',
    meaning: 'nginx sees closed or refused connections (502) until it restarts.',
    causes: ['An application bug; the stack trace precedes the line.'],
  },
  startup: {
    title: 'Node.js server listening',
    what: 'The app printed the address or port it listens on.',
    meaning:
      'Marks a (re)start, and says where nginx must connect: a proxy_pass to any other port is refused.',
    causes: ['A deploy, a crash restart, or a reboot.'],
  },
};

export const UVICORN: Record<string, EventExplanation> = {
  startup: {
    title: 'uvicorn starting',
    what: 'uvicorn started a server process and says where it listens (`Uvicorn running on …`).',
    meaning:
      'Marks a (re)start, and says where nginx must connect: an address or socket nginx does not use is refused.',
    causes: ['A deploy, a crash restart, or a reboot.'],
  },
  shutdown: {
    title: 'uvicorn shutting down',
    what: 'uvicorn stopped accepting connections and is finishing its server process.',
    meaning: 'Requests that arrive meanwhile are refused or closed (502) until it is back.',
    causes: ['A deploy or restart (SIGTERM), or the container being stopped.'],
  },
  'worker-recycle': {
    title: 'uvicorn process exiting after --limit-max-requests',
    what: 'The process served `limit_max_requests` requests and terminates ("Maximum request limit of N exceeded. Terminating process.").',
    meaning:
      'With --workers, uvicorn (0.30 and later) starts a new worker in its place; a single uvicorn process exits, and connections are refused until something starts it again. Either way the connections it held close.',
    causes: [
      '--limit-max-requests (UVICORN_LIMIT_MAX_REQUESTS, uvicorn.run(limit_max_requests=…)).',
    ],
  },
  other: {
    title: 'Other uvicorn message',
    what: 'A uvicorn log line this tool does not classify (an exception in the app, a failed startup).',
    meaning: 'Context for the lines around it.',
    causes: [],
  },
};
