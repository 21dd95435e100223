/** Log lines for the decoder tests: one per kind and per messy form, labels written by hand. */

export const NGINX_TAIL =
  ', client: 10.1.0.1, server: _, request: "GET /x HTTP/1.1", upstream: "http://127.0.0.1:8000/x", host: "x"';
export const PREMATURE =
  '2024/01/02 03:04:05 [error] 30#30: *5 upstream prematurely closed connection while reading response header from upstream' +
  NGINX_TAIL;

export type Case = [text: string, source: string | null, kind?: string, phase?: string];

/** One line per kind and per messy form; hand-written, each checked against nginx's wording. */
export const CASES: Case[] = [
  // nginx error kinds
  [PREMATURE, 'nginx-error', 'premature-close', 'reading-response-header'],
  [
    '2024/01/02 03:04:05 [error] 7#7: *9 upstream timed out (110: Connection timed out) while connecting to upstream, client: 2001:db8::1, server: _, request: "GET / HTTP/2.0", upstream: "http://[2001:db8::7]:8000/", host: "x"',
    'nginx-error',
    'upstream-timeout',
    'connecting',
  ],
  [
    '2024/01/02 03:04:05 [error] 124#124: *1 connect() to unix:/run/gunicorn.sock failed (2: No such file or directory) while connecting to upstream',
    'nginx-error',
    'socket-missing',
    'connecting',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 writev() failed (32: Broken pipe) while sending request to upstream' +
      NGINX_TAIL,
    'nginx-error',
    'broken-pipe',
    'sending-request',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream sent invalid header while reading response header from upstream',
    'nginx-error',
    'invalid-header',
    'reading-response-header',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream sent no valid HTTP/1.0 header while reading response header from upstream',
    'nginx-error',
    'invalid-header',
    'reading-response-header',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream',
    'nginx-error',
    'ssl-error',
    'ssl-handshake',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream',
    'nginx-error',
    'ssl-error',
    'ssl-handshake',
  ],
  // TLS with a client is not an upstream error
  [
    '2024/01/02 03:04:05 [crit] 30#30: *5 SSL_do_handshake() failed (SSL: error:0A000076:SSL routines::no suitable signature algorithm) while SSL handshaking, client: 1.1.1.1, server: 0.0.0.0:443',
    'nginx-error',
    'other',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 connect() to 10.0.0.9:8000 failed (113: No route to host) while connecting to upstream',
    'nginx-error',
    'host-unreachable',
    'connecting',
  ],
  [
    '2024/01/02 03:04:05 [crit] 30#30: *5 connect() to unix:/run/app.sock failed (13: Permission denied) while connecting to upstream',
    'nginx-error',
    'permission-denied',
    'connecting',
  ],
  [
    '2024/01/02 03:04:05 [info] 30#30: *5 epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream',
    'nginx-error',
    'client-closed',
    'sending-request',
  ],
  [
    '2024/01/02 03:04:05 [info] 30#30: *5 client timed out (110: Connection timed out) while reading client request headers, client: 1.1.1.1, server: _',
    'nginx-error',
    'client-timeout',
  ],
  [
    '2024/01/02 03:04:05 [info] 30#30: *5 writev() failed (32: Broken pipe) while sending to client, client: 1.1.1.1, server: _',
    'nginx-error',
    'broken-pipe',
    'sending-to-client',
  ],
  // BSD errno numbers: the text decides
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 kevent() reported that connect() failed (61: Connection refused) while connecting to upstream',
    'nginx-error',
    'connect-refused',
    'connecting',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream timed out (60: Operation timed out) while reading upstream',
    'nginx-error',
    'upstream-timeout',
    'reading-upstream',
  ],
  // a client-side reset is not the upstream's
  [
    '2024/01/02 03:04:05 [info] 30#30: *5 recv() failed (104: Connection reset by peer) while reading client request line, client: 1.1.1.1, server: _',
    'nginx-error',
    'other',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream prematurely closed FastCGI stdout while reading response header from upstream, client: 1.1.1.1, server: _, request: "GET /index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "x"',
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  [
    '2012/01/02 03:04:05 [error] 30#0: *5 upstream closed prematurely FastCGI stdout while reading response header from upstream',
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  // ECONNREFUSED noticed at the first read of a non-blocking connect
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 recv() failed (111: Connection refused) while reading response header from upstream',
    'nginx-error',
    'connect-refused',
    'reading-response-header',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Allowed memory size exhausted" while reading response header from upstream',
    'nginx-error',
    'other',
    'reading-response-header',
  ],
  // same errno, other system call: a missing file is not a missing socket
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 1.1.1.1, server: _, request: "GET /favicon.ico HTTP/1.1", host: "x"',
    'nginx-error',
    'other',
  ],
  [
    '2024/01/02 03:04:05 [error] 30#30: *5 upstream timed out (110: Connection timed out) while SSL handshaking to upstream',
    'nginx-error',
    'upstream-timeout',
    'ssl-handshake',
  ],
  // messy forms
  [
    '4/01/02 03:04:05 [error] 30#30: *5 upstream prematurely closed connection while reading upstream',
    'nginx-error',
    'premature-close',
    'reading-upstream',
  ],
  [
    '2024-01-02T03:04:05.000000001Z ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  ['nginx-1  | ' + PREMATURE, 'nginx-error', 'premature-close', 'reading-response-header'],
  ['web_1  | ' + PREMATURE, 'nginx-error', 'premature-close', 'reading-response-header'],
  [
    'api_nginx.1.abc123xyz@node-1    | ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  [
    'Jan 02 03:04:05 web-1 nginx[123]: ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  [
    '[pod/web-7d9f/nginx] ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  ['> > ' + PREMATURE, 'nginx-error', 'premature-close', 'reading-response-header'],
  ['`' + PREMATURE + '`', 'nginx-error', 'premature-close', 'reading-response-header'],
  [
    '2024-01-02T03:04:05.123456789Z stderr F ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  [
    '\u001b[36mweb_1  |\u001b[0m ' + PREMATURE,
    'nginx-error',
    'premature-close',
    'reading-response-header',
  ],
  [
    '03:04:05 [error] 30#30: *5 no live upstreams while connecting to upstream',
    'nginx-error',
    'no-live-upstreams',
    'connecting',
  ],
  // gunicorn
  [
    '[2024-01-02 03:04:05 +0000] [1] [INFO] Autorestarting worker after current request.',
    'gunicorn',
    'worker-recycle',
  ],
  ['[2024-01-02 03:04:05 +0000] [1] [INFO] Worker exiting (pid: 12)', 'gunicorn', 'worker-exit'],
  ['[2024-01-02 03:04:05 +0000] [1] [INFO] Handling signal: term', 'gunicorn', 'shutdown'],
  ['[2024-01-02 03:04:05 +0000] [1] [INFO] Handling signal: hup', 'gunicorn', 'reload'],
  ['[2024-01-02 03:04:05 +0000] [1] [INFO] Starting gunicorn 21.2.0', 'gunicorn', 'startup'],
  [
    '[2024-01-02 03:04:05 +0000] [12] [ERROR] Socket error processing request.',
    'gunicorn',
    'socket-error',
  ],
  [
    '[2024-01-02 03:04:05 +0000] [12] [ERROR] Error handling request /api',
    'gunicorn',
    'request-error',
  ],
  [
    '[2024-01-02 03:04:05 +0000] [1] [ERROR] Worker (pid:12) exited with code 1',
    'gunicorn',
    'worker-exit',
  ],
  ['[2024-01-02 03:04:05 +0000] [1] [INFO] Something else', 'gunicorn', 'other'],
  ['[INFO] Something else', null],
  [
    '2024-01-02 03:04:05.123 web[12]: [CRITICAL] WORKER TIMEOUT (pid:12)',
    'gunicorn',
    'worker-timeout',
  ],
  // uWSGI
  [
    'Tue Jan  2 03:04:05 2024 - *** HARAKIRI ON WORKER 1 (pid: 12, try: 1) ***',
    'uwsgi',
    'harakiri',
  ],
  ['HARAKIRI [core 0] 10.0.0.1 - GET /slow since 1704164585', 'uwsgi', 'harakiri'],
  [
    '*** uWSGI listen queue of socket "127.0.0.1:3031" (fd: 3) full !!! (101/100) ***',
    'uwsgi',
    'listen-queue-full',
  ],
  [
    '...The work of process 12 is done (max requests reached (1001 >= 1000)). Seeya!',
    'uwsgi',
    'worker-recycle',
  ],
  ['...The work of process 12 is done. Seeya!', 'uwsgi', 'worker-exit'],
  ['spawned uWSGI worker 1 (pid: 12, cores: 1)', 'uwsgi', 'worker-boot'],
  [
    'uwsgi_response_writev_headers_and_body_do(): Broken pipe [core/writer.c line 306] during GET /report (10.0.0.2)',
    'uwsgi',
    'broken-pipe',
  ],
  [
    '[pid: 12|app: 0|req: 5/9] 10.0.0.2 () {40 vars in 700 bytes} [Tue Jan  2 03:04:05 2024] GET /report => generated 0 bytes in 61234 msecs (HTTP/1.1 500) 2 headers in 84 bytes (1 switches on core 0)',
    'uwsgi',
    'request',
  ],
  ['goodbye to uWSGI.', 'uwsgi', 'shutdown'],
  // harakiri wordings checked against core/uwsgi.c and core/master_checks.c (1.4.10, 2.0.21, 2.1)
  [
    'HARAKIRI: --- uWSGI worker 2 core 3 (pid: 4120) WAS managing request /reports/yearly since Tue Nov  5 08:03:15 2024 ---',
    'uwsgi',
    'harakiri',
  ],
  ['Tue Nov  5 08:03:45 2024 - HARAKIRI triggered by worker 2 core 3 !!!', 'uwsgi', 'harakiri'],
  // kernel
  [
    '[Tue Jan  2 03:04:05 2024] Out of memory: Killed process 1234 (gunicorn) total-vm:1000kB, anon-rss:900kB, file-rss:0kB',
    'kernel',
    'oom-kill',
  ],
  [
    '2024-01-02T03:04:05+0000 host kernel: Memory cgroup out of memory: Killed process 1234 (uwsgi) total-vm:1000kB, anon-rss:900kB',
    'kernel',
    'oom-kill',
  ],
  ['[    1.234000] Linux version 6.1', 'kernel', 'other'],
  ['Killed process 99 (foo)', null],
  // older and newer kernels' wordings (mm/oom_kill.c): "… or sacrifice child" to 4.x, RHEL 7's
  // ", UID", 2.6's capital M, 4.19+'s "oom-kill:constraint=" victim line
  [
    '[11686.043641] Out of memory: Kill process 2603 (gunicorn) score 761 or sacrifice child',
    'kernel',
    'oom-kill',
  ],
  [
    'Mar 14 16:55:03 localhost kernel: Memory cgroup out of memory: Kill process 18286 (uwsgi) score 933 or sacrifice child',
    'kernel',
    'oom-kill',
  ],
  [
    'Mar 14 16:55:03 localhost kernel: Killed process 21945 (python3), UID 1000, total-vm:33027492kB, anon-rss:31303276kB, file-rss:0kB, shmem-rss:0kB',
    'kernel',
    'oom-kill',
  ],
  [
    'Mar 14 16:55:03 host kernel: Out of Memory: Killed process 2592 (gunicorn).',
    'kernel',
    'oom-kill',
  ],
  [
    '[Tue Apr  9 11:02:13 2024] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=kubepods,mems_allowed=0,oom_memcg=/kubepods/burstable/pod3a7f,task_memcg=/kubepods/burstable/pod3a7f/web,task=gunicorn,pid=3177,uid=1000',
    'kernel',
    'oom-target',
  ],
  // SELinux denials: audit.log / ausearch, the kernel log, journald
  [
    'type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=1234 comm="nginx" dest=8000 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:soundd_port_t:s0 tclass=tcp_socket permissive=0',
    'selinux',
    'avc-denied',
  ],
  [
    '[ 812.331201] audit: type=1400 audit(1700000000.123:457): avc:  denied  { connectto } for  pid=1234 comm="nginx" path="/run/gunicorn/app.sock" scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=unix_stream_socket permissive=0',
    'selinux',
    'avc-denied',
  ],
  [
    'Mar 14 16:55:03 web audit[1234]: AVC avc:  denied  { write } for  pid=1234 comm="nginx" name="app.sock" dev="tmpfs" ino=123 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:var_run_t:s0 tclass=sock_file permissive=0',
    'selinux',
    'avc-denied',
  ],
  // Kubernetes
  [
    'web-7d9f-abcde         0/1     CrashLoopBackOff   7 (2m ago)    15m',
    'kubernetes',
    'crash-loop',
  ],
  [
    'web-7d9f-abcde         1/1     Running            0             15m',
    'kubernetes',
    'pod-status',
  ],
  ['NAME                   READY   STATUS             RESTARTS      AGE', null],
  ['      Exit Code:    137', 'kubernetes', 'exit-code'],
  ['command terminated with exit code 137', 'kubernetes', 'exit-code'],
  [
    '  Warning  Unhealthy  3m (x5 over 4m)  kubelet  Readiness probe failed: Get "http://10.1.0.5:8000/health": context deadline exceeded',
    'kubernetes',
    'probe-failed',
  ],
  [
    '  Normal   Killing    2m               kubelet  Container web failed liveness probe, will be restarted',
    'kubernetes',
    'container-killed',
  ],
  [
    '5m          Warning   Unhealthy   pod/web-7d9f-abcde   Liveness probe failed: HTTP probe failed with statuscode: 503',
    'kubernetes',
    'probe-failed',
  ],
  [
    'Jan 02 03:04:05 node-1 kubelet[900]: I0102 03:04:05.000000     900 prober.go:107] "Probe failed" probeType="Readiness" pod="default/web-1" containerName="web"',
    'kubernetes',
    'probe-failed',
  ],
  ['  Reason:       Evicted', 'kubernetes', 'evicted'],
  // php-fpm and Node
  [
    '[02-Jan-2024 03:04:05] WARNING: [pool www] child 123 exited on signal 9 (SIGKILL) after 12.345 seconds from start',
    'php-fpm',
    'worker-killed',
  ],
  [
    '[02-Jan-2024 03:04:05] WARNING: [pool www] child 123, script \'/var/www/index.php\' (request: "POST /index.php") execution timed out (30.123 sec), terminating',
    'php-fpm',
    'request-timeout',
  ],
  [
    '[02-Jan-2024 03:04:05] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it',
    'php-fpm',
    'max-children',
  ],
  [
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    'node',
    'heap-oom',
  ],
  ['[nodemon] app crashed - waiting for file changes before starting...', 'node', 'crash'],
  // not log lines
  ['Traceback (most recent call last):', null],
  ['server { listen 80; }', null],
  ['proxy_read_timeout 60s;', null],
  ['', null],
  ['   ', null],
];
