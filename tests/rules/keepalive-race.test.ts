/**
 * keepalive-race, RuleTester-style: inputs that trigger it (with the exact fixed nginx output,
 * re-analysed and checked by the real nginx -t), near misses that must not trigger, and which
 * log events the finding may claim (only failures a reused, closing connection produces).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';
import { checkCorpus } from './corpus-check.ts';

const RULE = 'keepalive-race';
const run = (files: SourceFile[], nginxVersion = '1.22.1') => analyze(files, { nginxVersion });
const ours = (files: SourceFile[], nginxVersion?: string) =>
  run(files, nginxVersion).findings.filter((f) => f.rule === RULE);

const pooled = (extra = '') => `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;${extra}
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
const gthread = (extra = '') => ({
  name: 'gunicorn.conf.py',
  text: `bind = "127.0.0.1:8000"\nworkers = 2\nworker_class = "gthread"\nthreads = 4\n${extra}`,
});
const NODE_SERVER = {
  name: 'server.js',
  text: `const http = require('http');
const server = http.createServer((req, res) => res.end('ok'));
server.listen(8000);
`,
};

interface Invalid {
  name: string;
  files: SourceFile[];
  version?: string;
  /** The exact fixed nginx file. */
  output: string;
  compared: string[];
}

const invalid: Invalid[] = [
  {
    name: 'gthread worker with the default keepalive (2 s) vs the default 60s pool timeout',
    files: [{ name: 'app.conf', text: pooled() }, gthread()],
    output: pooled('\n    keepalive_timeout 1s;'),
    compared: ['60s', '2s'],
  },
  {
    name: 'Node default keepAliveTimeout (5 s) vs an explicit keepalive_timeout 75s, replaced in place',
    files: [{ name: 'app.conf', text: pooled('\n    keepalive_timeout 75s;') }, NODE_SERVER],
    output: pooled('\n    keepalive_timeout 4s;'),
    compared: ['75s', '5000 ms'],
  },
  {
    name: 'nginx 1.29.7 pools by default: no keepalive, no proxy settings, gevent keepalive 5',
    version: '1.29.7',
    files: [
      {
        name: 'app.conf',
        text: `upstream app {
\tserver 127.0.0.1:8000;
}
server {
\tlocation /api/ {
\t\tproxy_pass http://app;
\t}
}
`,
      },
      {
        name: 'gunicorn.conf.py',
        text: `bind = "127.0.0.1:8000"\nworker_class = "gevent"\nkeepalive = 5\n`,
      },
    ],
    output: `upstream app {
\tserver 127.0.0.1:8000;
\tkeepalive_timeout 4s;
}
server {
\tlocation /api/ {
\t\tproxy_pass http://app;
\t}
}
`,
    compared: ['keepalive 32 local (default)', '60s', '5s'],
  },
  {
    name: 'uWSGI HTTP router with http-keepalive: http-timeout 60 equals the pool timeout',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]\nhttp = 127.0.0.1:8000\nhttp-keepalive = 1\nmodule = app:app\nmaster = true\n`,
      },
    ],
    output: pooled('\n    keepalive_timeout 59s;'),
    compared: ['60s', '60s'],
  },
  {
    name: 'uWSGI http11-socket waits socket-timeout (4 s by default) for the next request',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]\nhttp11-socket = 127.0.0.1:8000\nmodule = app:app\nthreads = 4\n`,
      },
    ],
    output: pooled('\n    keepalive_timeout 3s;'),
    compared: ['60s', '4s'],
  },
  {
    name: 'threads > 1 makes sync run gthread; a Connection map that keeps ordinary requests pooled',
    files: [
      {
        name: 'nginx.conf',
        text: `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' '';
    }
    upstream app {
        server 127.0.0.1:8000;
        keepalive 8;
        keepalive_timeout 30s;
    }
    server {
        listen 80;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`,
      },
      { name: 'gunicorn.conf.py', text: `bind = "127.0.0.1:8000"\nthreads = 8\nkeepalive = 10\n` },
    ],
    output: `events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' '';
    }
    upstream app {
        server 127.0.0.1:8000;
        keepalive 8;
        keepalive_timeout 9s;
    }
    server {
        listen 80;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`,
    compared: ['30s', '10s'],
  },
];

const valid: { name: string; files: SourceFile[]; version?: string }[] = [
  {
    name: "gunicorn's sync worker closes every connection itself",
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'gunicorn.conf.py', text: `bind = "127.0.0.1:8000"\nworkers = 4\nkeepalive = 2\n` },
    ],
  },
  {
    name: 'nginx already drops idle connections first',
    files: [{ name: 'app.conf', text: pooled('\n    keepalive_timeout 1s;') }, gthread()],
  },
  {
    name: 'no pool before 1.29.7 without keepalive',
    files: [
      {
        name: 'app.conf',
        text: `upstream app { server 127.0.0.1:8000; }\nserver { location / { proxy_pass http://app; proxy_http_version 1.1; } }\n`,
      },
      gthread(),
    ],
  },
  {
    name: 'a pool nginx cannot use (HTTP/1.0) is keepalive-inert, not a race',
    files: [
      {
        name: 'app.conf',
        text: `upstream app { server 127.0.0.1:8000; keepalive 16; }\nserver { location / { proxy_pass http://app; } }\n`,
      },
      gthread(),
    ],
  },
  {
    name: 'a $http_upgrade map that sends close on ordinary requests: they never pool',
    files: [
      {
        name: 'app.conf',
        text: `map $http_upgrade $connection_upgrade { default upgrade; '' close; }
upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { proxy_pass http://app; proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; } }
`,
      },
      gthread(),
    ],
  },
  {
    name: 'Node keepAliveTimeout above the pool timeout',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'server.js',
        text: `${NODE_SERVER.text}server.keepAliveTimeout = 65000;\nserver.headersTimeout = 66000;\n`,
      },
    ],
  },
  {
    name: 'gthread with keepalive = 0 answers Connection: close',
    files: [{ name: 'app.conf', text: pooled() }, gthread('keepalive = 0\n')],
  },
  {
    name: 'proxy_pass to an address has no pool',
    files: [
      {
        name: 'app.conf',
        text: `server { location / { proxy_pass http://127.0.0.1:8000; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n`,
      },
      gthread(),
    ],
    version: '1.29.7',
  },
  {
    name: 'uWSGI http-socket without keep-alive',
    files: [
      { name: 'app.conf', text: pooled() },
      { name: 'uwsgi.ini', text: `[uwsgi]\nhttp-socket = 127.0.0.1:8000\nmodule = app:app\n` },
    ],
  },
  {
    name: 'the app server behind the pool listens elsewhere (another upstream)',
    files: [
      { name: 'app.conf', text: pooled() },
      { ...gthread(), text: gthread().text.replace('8000', '9000') },
    ],
  },
];

describe('keepalive-race', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = run(c.files, c.version);
      const hit = report.findings.find((f) => f.rule === RULE);
      expect(hit, 'finding').toBeDefined();
      expect(hit!.cause).toBe('keepalive-race');
      expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
      for (const value of c.compared) expect(hit!.compared!.map((v) => v.value)).toContain(value);
      expect(hit!.compared!.every((v) => v.source.length > 0)).toBe(true);
      expect(report.fixed).toHaveLength(1);
      const nginxFile = c.files[0]!;
      expect(report.fixed[0]!.name).toBe(nginxFile.name);
      expect(report.fixed[0]!.text).toBe(c.output);
      // Re-analysed, the fixed config has nothing of this rule, and fixing again is a no-op.
      const again = run([{ ...nginxFile, text: c.output }, ...c.files.slice(1)], c.version);
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(again.fixed).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest([{ name: nginxFile.name, text: c.output }]);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ours(c.files, c.version)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)('every original above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      const result = nginxTest([c.files[0]!]);
      expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
    }
  });
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});

describe('keepalive-race: which log events it explains', () => {
  const configs = [{ name: 'app.conf', text: pooled() }, gthread()];
  const line = (
    time: string,
    conn: number,
    what: string,
    request: string,
    upstream = '127.0.0.1:8000',
  ) =>
    `2026/11/21 ${time} [error] 3731#3731: *${conn} ${what}, client: 10.0.0.9, server: shop, request: "${request} HTTP/1.1", upstream: "http://${upstream}/x", host: "shop"`;
  const explainedLines = (log: string, extra: SourceFile[] = []) => {
    const hit = run([...configs, { name: 'error.log', text: log }, ...extra]).findings.find(
      (f) => f.rule === RULE,
    )!;
    return hit.evidence.filter((e) => e.file === 'error.log').map((e) => e.line);
  };

  it('claims resets and premature closes while sending or awaiting the header, nothing else', () => {
    const log = [
      line(
        '07:56:13',
        12,
        'recv() failed (104: Connection reset by peer) while reading response header from upstream',
        'POST /orders',
      ),
      line(
        '07:56:14',
        13,
        'connect() failed (111: Connection refused) while connecting to upstream',
        'POST /orders',
      ),
      line(
        '07:56:15',
        14,
        'upstream prematurely closed connection while reading upstream',
        'GET /report',
      ),
      line(
        '07:56:16',
        15,
        'upstream prematurely closed connection while reading response header from upstream',
        'PATCH /cart',
      ),
      line(
        '07:56:17',
        16,
        'writev() failed (32: Broken pipe) while sending request to upstream',
        'POST /upload',
      ),
      line(
        '07:56:18',
        17,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /x',
        '10.9.9.9:8000',
      ),
      line(
        '07:56:19',
        18,
        'upstream timed out (110: Connection timed out) while reading response header from upstream',
        'POST /slow',
      ),
    ].join('\n');
    expect(explainedLines(log)).toEqual([1, 4, 5]);
    const hit = ours([...configs, { name: 'error.log', text: log }])[0]!;
    expect(hit.message).toContain('3 logged failure(s)');
    expect(hit.message).toContain('not POST, PATCH or LOCK');
    expect(hit.confidence).toBeGreaterThan(0.5);
  });

  it('does not claim a close that follows a gunicorn worker kill', () => {
    const log = [
      line(
        '07:56:13',
        12,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /orders',
      ),
      line(
        '07:59:40',
        20,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /orders',
      ),
    ].join('\n');
    const gunicornLog = {
      name: 'gunicorn.log',
      text: '[2026-11-21 07:59:38 +0000] [3721] [CRITICAL] WORKER TIMEOUT (pid:3725)\n',
    };
    expect(explainedLines(log, [gunicornLog])).toEqual([1]);
  });

  it('with no failure of its kind it holds in the config only and ranks as such', () => {
    const log = line(
      '07:56:14',
      13,
      'connect() failed (111: Connection refused) while connecting to upstream',
      'POST /orders',
    );
    const hit = ours([...configs, { name: 'error.log', text: log }])[0]!;
    expect(hit.evidence.some((e) => e.file === 'error.log')).toBe(false);
    expect(hit.confidence).toBeLessThan(0.5);
  });

  it('an access-log 502 on a reused connection ($upstream_connect_time 0.000) counts when no error log is pasted', () => {
    // Detection does not read log_format yet, so the log's kind is given as a user would pick it.
    const nginx = `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ua=$upstream_addr uct=$upstream_connect_time';
${pooled().replace('listen 80;', 'listen 80;\n    access_log /var/log/nginx/access.log timed;')}`;
    const access = [
      '10.0.0.9 - - [21/Nov/2026:07:56:13 +0000] "POST /orders HTTP/1.1" 502 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.000',
      '10.0.0.9 - - [21/Nov/2026:07:56:14 +0000] "POST /orders HTTP/1.1" 502 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.012',
      '10.0.0.9 - - [21/Nov/2026:07:56:15 +0000] "GET /orders HTTP/1.1" 200 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.000',
    ].join('\n');
    const hit = ours([
      { name: 'app.conf', text: nginx },
      gthread(),
      { name: 'access.log', text: access, kind: 'log' },
    ])[0]!;
    expect(hit.evidence.filter((e) => e.file === 'access.log').map((e) => e.line)).toEqual([1]);
  });
});

describe('keepalive-race on the real configs of the corpus', () => {
  it('fires only where expected; applied fixes pass nginx -t and leave nothing behind', () => {
    checkCorpus('keepalive-race', {});
  });
});
