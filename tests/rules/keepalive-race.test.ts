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
const puma = (extra = '') => ({
  name: 'config/puma.rb',
  text: `workers ENV.fetch("WEB_CONCURRENCY") { 2 }\nthreads 5, 5\nport ENV.fetch("PORT") { 8000 }\n${extra}`,
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
    name: 'Puma default persistent_timeout (20 s) vs the default 60s pool timeout',
    files: [{ name: 'app.conf', text: pooled() }, puma()],
    output: pooled('\n    keepalive_timeout 19s;'),
    compared: ['60s', '20s'],
  },
  {
    name: 'Puma persistent_timeout written down, on a unix socket',
    files: [
      {
        name: 'app.conf',
        text: pooled().replace('server 127.0.0.1:8000;', 'server unix:/run/puma.sock;'),
      },
      { name: 'puma.rb', text: `bind "unix:///run/puma.sock"\npersistent_timeout 30\n` },
    ],
    output: pooled('\n    keepalive_timeout 29s;').replace(
      'server 127.0.0.1:8000;',
      'server unix:/run/puma.sock;',
    ),
    compared: ['60s', '30s'],
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
    name: 'Puma keeps idle connections longer than nginx does',
    files: [{ name: 'app.conf', text: pooled() }, puma('persistent_timeout 75\n')],
  },
  {
    name: 'Puma listens elsewhere than the upstream nginx pools',
    files: [
      { name: 'app.conf', text: pooled() },
      { ...puma(), text: puma().text.replace('{ 8000 }', '{ 3000 }') },
      gthread('keepalive = 75\n'),
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
    name: 'a custom worker class (its keep-alive behaviour is unknown)',
    files: [
      { name: 'app.conf', text: pooled() },
      {
        name: 'gunicorn.conf.py',
        text: `bind = "127.0.0.1:8000"\nworker_class = "myapp.workers.CustomWorker"\n`,
      },
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

  it('an unusable pool: the race is reported as latent beside keepalive-inert and both fixes apply', () => {
    const input = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    location / {
        proxy_pass http://app;
    }
}
`;
    const report = run([{ name: 'app.conf', text: input }, gthread()]);
    const race = report.findings.find((f) => f.rule === RULE)!;
    expect(race.title).toBe(
      'Once its pool is in use, nginx will reuse connections the app server closes',
    );
    expect(race.message).toMatch(/^Latent until the pool is usable/);
    // What holds now (the unusable pool, a warning) comes before what will (the race, an error).
    expect(race.confidence).toBe(0.39);
    expect(report.findings.map((f) => f.rule).slice(0, 2)).toEqual(['keepalive-inert', RULE]);
    expect(report.findings.map((f) => [f.rule, f.fix?.applied])).toEqual(
      expect.arrayContaining([
        [RULE, true],
        ['keepalive-inert', true],
      ]),
    );
    const output = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
    keepalive_timeout 1s;
}
server {
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
    expect(report.fixed.map((f) => f.text)).toEqual([output]);
    const again = run([{ name: 'app.conf', text: output }, gthread()]);
    expect(again.findings.filter((f) => f.rule === RULE || f.rule === 'keepalive-inert')).toEqual(
      [],
    );
    if (!nginxMissing) expect(nginxTest([{ name: 'app.conf', text: output }]).ok).toBe(true);
  });

  it('nginx before 1.15.3 has no upstream keepalive_timeout: the race is reported with advice only', () => {
    const report = run([{ name: 'app.conf', text: pooled() }, gthread()], '1.14.0');
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.compared).toContainEqual(
      expect.objectContaining({
        setting: 'upstream keepalive_timeout',
        value: 'none (kept until the server closes it)',
      }),
    );
    expect(hit.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit.fix!.description).toContain('Upgrade nginx');
    expect(report.fixed).toEqual([]);
  });

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

describe('keepalive-race on the real configs of the corpus', () => {
  it('fires only where expected; applied fixes pass nginx -t and leave nothing behind', () => {
    checkCorpus('keepalive-race', {});
  });
});
