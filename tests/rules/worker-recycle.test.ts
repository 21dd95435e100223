/**
 * worker-recycle, RuleTester-style: configs that recycle workers without a spread (with the
 * exact fixed output, re-analysed, and the gunicorn output read back by Debian's gunicorn
 * under /usr/bin/python3), near misses that must not trigger, and the log lines it explains.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { corpusFiles } from '../formats/corpus.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const RULE = 'worker-recycle';
const ofRule = (files: SourceFile[], unsafe = false) =>
  analyze(files, { nginxVersion: '1.22.1', unsafe }).findings.filter((f) => f.rule === RULE);

/** Loads a gunicorn config the way gunicorn does (exec, then Config.set with its validators). */
const GUNICORN_READ = `
import sys, json
from gunicorn.config import Config
path = sys.argv[1]
ns = {"__file__": path, "__name__": "__config__"}
exec(compile(open(path).read(), path, "exec"), ns)
cfg = Config()
for k, v in ns.items():
    if k in cfg.settings:
        cfg.set(k.lower(), v)
print(json.dumps({k: cfg.settings[k].get() for k in sys.argv[2:]}))
`;
const debianGunicorn =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import gunicorn']).status === 0;

function gunicornReads(text: string, names: string[]): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'gunicorn-conf-'));
  try {
    const path = join(dir, 'gunicorn.conf.py');
    writeFileSync(path, text);
    const run = spawnSync('/usr/bin/python3', ['-c', GUNICORN_READ, path, ...names], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const UWSGI = existsSync('/usr/bin/uwsgi') ? '/usr/bin/uwsgi' : null;
const uwsgiVersion = UWSGI
  ? spawnSync(UWSGI, ['--version'], { encoding: 'utf8' }).stdout.trim()
  : '';

/**
 * What Debian's uWSGI says of an ini in strict mode (unknown options are errors there; the
 * sockets are moved into a temp dir so nothing outside it is touched).
 */
function uwsgiStrict(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'uwsgi-ini-'));
  try {
    const path = join(dir, 'uwsgi.ini');
    writeFileSync(path, text.replace(/^(\s*socket\s*=\s*).*$/gm, `$1${join(dir, 'app.sock')}`));
    const run = spawnSync(
      UWSGI!,
      ['--plugins', 'python3', '--strict', '--need-app', '--ini', path],
      { encoding: 'utf8', timeout: 20_000, cwd: dir },
    );
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Invalid {
  name: string;
  input: SourceFile[];
  /** The fixed text of the one changed file. */
  output: string;
  unsafe?: boolean;
  safety: 'safe' | 'unsafe';
  /** gunicorn settings the fixed config must give when gunicorn reads it. */
  reads?: Record<string, unknown>;
}

const invalid: Invalid[] = [
  {
    name: 'gunicorn max_requests without jitter: jitter (10%) added after the last setting',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: `import multiprocessing

bind = "127.0.0.1:8000"
workers = 4
max_requests = 1000
timeout = 30
`,
      },
    ],
    output: `import multiprocessing

bind = "127.0.0.1:8000"
workers = 4
max_requests = 1000
timeout = 30
max_requests_jitter = 100
`,
    safety: 'safe',
    reads: { max_requests: 1000, max_requests_jitter: 100, workers: 4 },
  },
  {
    name: 'an explicit max_requests_jitter = 0 is replaced in place',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: `workers=8
max_requests=500
max_requests_jitter=0  # no jitter
`,
      },
    ],
    output: `workers=8
max_requests=500
max_requests_jitter=50  # no jitter
`,
    safety: 'safe',
    reads: { max_requests: 500, max_requests_jitter: 50 },
  },
  {
    name: 'gunicorn command line: the flag is added after the program',
    input: [
      {
        name: 'Procfile',
        text: 'web: gunicorn --workers 3 --max-requests 2000 --bind 0.0.0.0:8000 shop.wsgi\n',
      },
    ],
    output:
      'web: gunicorn --max-requests-jitter 200 --workers 3 --max-requests 2000 --bind 0.0.0.0:8000 shop.wsgi\n',
    safety: 'safe',
  },
  {
    name: 'uWSGI max-worker-lifetime without its delta (an option every 2.0 has)',
    input: [
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]
module = shop.wsgi
processes = 4
socket = /run/shop.sock
max-worker-lifetime = 3600
`,
      },
    ],
    output: `[uwsgi]
module = shop.wsgi
processes = 4
socket = /run/shop.sock
max-worker-lifetime = 3600
max-worker-lifetime-delta = 360
`,
    safety: 'safe',
  },
  {
    name: 'uWSGI max-requests: max-requests-delta is opt-in (2.0.29+ only)',
    input: [
      {
        name: 'uwsgi.ini',
        text: `[uwsgi]
module=shop.wsgi
processes=6
max-requests=5000
`,
      },
    ],
    output: `[uwsgi]
module=shop.wsgi
processes=6
max-requests=5000
max-requests-delta=500
`,
    unsafe: true,
    safety: 'unsafe',
  },
];

const valid: { name: string; input: SourceFile[] }[] = [
  {
    name: 'gunicorn max_requests with jitter',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: 'workers = 4\nmax_requests = 1000\nmax_requests_jitter = 50\n',
      },
    ],
  },
  {
    name: 'gunicorn without max_requests (the default 0 never recycles)',
    input: [{ name: 'gunicorn.conf.py', text: 'workers = 4\ntimeout = 30\nbind = ":8000"\n' }],
  },
  {
    name: 'one worker: nothing restarts "together"',
    input: [{ name: 'gunicorn.conf.py', text: 'workers = 1\nmax_requests = 1000\ntimeout = 30\n' }],
  },
  {
    name: 'max_requests from the environment (unknown) is not guessed at',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: 'import os\nworkers = 4\nmax_requests = int(os.environ["MAX_REQUESTS"])\ntimeout = 30\n',
      },
    ],
  },
  {
    name: 'uWSGI max-requests with max-requests-delta',
    input: [
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nprocesses = 4\nmax-requests = 1000\nmax-requests-delta = 100\n',
      },
    ],
  },
  {
    name: 'uWSGI max-requests in another ini section uWSGI does not read',
    input: [
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nprocesses = 4\nsocket = :3031\n\n[staging]\nmax-requests = 1000\n',
      },
    ],
  },
];

describe('worker-recycle', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = analyze(c.input, { nginxVersion: '1.22.1', unsafe: c.unsafe ?? false });
      const hit = report.findings.find((f) => f.rule === RULE);
      expect(hit, 'finding').toBeDefined();
      expect(hit!.cause).toBe('worker-recycle');
      expect(hit!.fix).toMatchObject({ safety: c.safety, applied: true });
      expect(hit!.evidence.map((e) => e.file)).toContain(c.input[0]!.name);
      // The compared values cite where each came from.
      expect(hit!.compared!.every((v) => v.source.length > 0)).toBe(true);
      expect(report.fixed).toHaveLength(1);
      expect(report.fixed[0]!.text).toBe(c.output);
      const again = analyze([{ name: c.input[0]!.name, text: c.output }], {
        nginxVersion: '1.22.1',
        unsafe: true,
      });
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(again.fixed).toEqual([]);
      if (c.reads && debianGunicorn) {
        expect(gunicornReads(c.output, Object.keys(c.reads))).toEqual(c.reads);
      }
      if (UWSGI && c.input[0]!.name.endsWith('.ini') && c.safety === 'safe') {
        expect(uwsgiStrict(c.output)).not.toMatch(/unknown config directive/);
      }
    });
  }

  it('the uWSGI max-requests-delta fix is reported but not applied without opting in', () => {
    const c = invalid.find((x) => x.safety === 'unsafe')!;
    const report = analyze(c.input, { nginxVersion: '1.22.1' });
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.fix).toMatchObject({ safety: 'unsafe', applied: false });
    expect(hit.fix!.description).toMatch(/2\.0\.29/);
    expect(report.fixed).toEqual([]);
    // Why it is opt-in: Debian 12's uWSGI 2.0.21 does not know the option.
    if (UWSGI && /^2\.0\.(\d|1\d|2[0-8])\b/.test(uwsgiVersion))
      expect(uwsgiStrict(c.output)).toMatch(/unknown config directive: max-requests-delta/);
  });

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ofRule(c.input, true)).toEqual([]);
    });
  }

  const pooledSite = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
    keepalive_timeout 30s;
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
  const gthread =
    'bind = "127.0.0.1:8000"\nworkers = 4\nworker_class = "gthread"\nthreads = 4\nkeepalive = 75\nmax_requests = 1000\n';
  const restarts: SourceFile = {
    name: 'gunicorn.log',
    text: [
      '[2024-05-02 10:15:01 +0000] [7] [INFO] Autorestarting worker after current request.',
      '[2024-05-02 10:15:01 +0000] [9] [INFO] Autorestarting worker after current request.',
      '[2024-05-02 10:15:02 +0000] [7] [INFO] Worker exiting (pid: 7)',
    ].join('\n'),
  };
  const drops: SourceFile = {
    name: 'error.log',
    text: [
      '2024/05/02 10:15:02 [error] 31#31: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: _, request: "GET /api/items HTTP/1.1", upstream: "http://127.0.0.1:8000/api/items", host: "shop.example.com"',
      '2024/05/02 10:15:02 [error] 31#31: *8815 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.1.2.4, server: _, request: "POST /api/cart HTTP/1.1", upstream: "http://127.0.0.1:8000/api/cart", host: "shop.example.com"',
      // Another upstream's failure is not this backend's.
      '2024/05/02 10:15:02 [error] 31#31: *8816 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.5, server: _, request: "GET /x HTTP/1.1", upstream: "http://10.9.9.9:9000/x", host: "shop.example.com"',
      // An hour later: no restart near it.
      '2024/05/02 11:20:00 [error] 31#31: *9900 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.9, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "shop.example.com"',
    ].join('\n'),
  };

  it('pooled connections to recycling gthread workers: explains the drops next to restarts', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: gthread },
      { name: 'site.conf', text: pooledSite },
      restarts,
      drops,
    ];
    const report = analyze(files, { nginxVersion: '1.22.1' });
    const hit = report.findings[0]!;
    expect(hit.rule).toBe(RULE);
    expect(hit.title).toMatch(/drop the connections nginx pools/);
    expect(hit.confidence).toBeGreaterThan(0.5);
    expect(hit.compared!.map((c) => [c.setting, c.value, c.source])).toEqual([
      ['max_requests', '1000', 'gunicorn.conf.py:6'],
      ['keepalive', 'keepalive 16', 'site.conf:3'],
      ['keepalive', '75s', 'gunicorn.conf.py:5'],
    ]);
    const cited = hit.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:6',
        'site.conf:3',
        'gunicorn.log:1',
        'gunicorn.log:2',
        'error.log:1',
        'error.log:2',
      ]),
    );
    expect(cited).not.toContain('error.log:3');
    expect(cited).not.toContain('error.log:4');
    expect(hit.message).toMatch(/2 nginx failure\(s\)/);
    // Removing the pool is opt-in; jitter (the other finding) is applied by default.
    expect(hit.fix).toMatchObject({ safety: 'unsafe', applied: false });
    expect(report.fixed.map((f) => f.name)).toEqual(['gunicorn.conf.py']);
  });

  it('opting in removes the pool (and its keepalive_* lines); nginx accepts the result', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: gthread },
      { name: 'site.conf', text: pooledSite },
      restarts,
      drops,
    ];
    const report = analyze(files, { nginxVersion: '1.22.1', unsafe: true });
    const output = pooledSite.replace('    keepalive 16;\n    keepalive_timeout 30s;\n', '');
    expect(report.fixed.find((f) => f.name === 'site.conf')!.text).toBe(output);
    const again = analyze(
      [
        { name: 'gunicorn.conf.py', text: gthread },
        { name: 'site.conf', text: output },
        restarts,
        drops,
      ],
      { nginxVersion: '1.22.1' },
    );
    expect(again.findings.filter((f) => f.title.includes('pools'))).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'site.conf', text: output }]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it('without a pool the restarts explain no failure (the lab: nothing is lost then)', () => {
    const site = pooledSite.replace('    keepalive 16;\n    keepalive_timeout 30s;\n', '');
    const report = analyze(
      [
        { name: 'gunicorn.conf.py', text: gthread },
        { name: 'site.conf', text: site },
        restarts,
        drops,
      ],
      { nginxVersion: '1.22.1' },
    );
    const hits = report.findings.filter((f) => f.rule === RULE);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.confidence).toBeLessThan(0.5);
  });

  const poolValid: { name: string; gunicorn: string; site: string }[] = [
    {
      name: 'sync workers close every connection: nothing sits in the pool',
      gunicorn:
        'bind = "127.0.0.1:8000"\nworkers = 4\nmax_requests = 1000\nmax_requests_jitter = 100\n',
      site: pooledSite,
    },
    {
      name: 'gthread workers that never recycle',
      gunicorn: gthread.replace('max_requests = 1000\n', ''),
      site: pooledSite,
    },
    {
      name: 'a pool HTTP/1.0 cannot use (keepalive-inert territory)',
      gunicorn: gthread,
      site: pooledSite.replace('        proxy_http_version 1.1;\n', ''),
    },
  ];
  for (const c of poolValid) {
    it(`no pooled-recycle finding: ${c.name}`, () => {
      const found = analyze(
        [
          { name: 'gunicorn.conf.py', text: c.gunicorn },
          { name: 'site.conf', text: c.site },
          restarts,
          drops,
        ],
        { nginxVersion: '1.22.1' },
      ).findings.filter((f) => f.rule === RULE && f.title.includes('pools'));
      expect(found).toEqual([]);
    });
  }

  it('restart lines alone (no nginx failure near them) do not make it the explanation', () => {
    const report = analyze(
      [
        { name: 'gunicorn.conf.py', text: 'workers = 4\nmax_requests = 1000\n' },
        {
          name: 'gunicorn.log',
          text: '[2024-05-02 10:15:01 +0000] [7] [INFO] Autorestarting worker after current request.\n',
        },
      ],
      { nginxVersion: '1.22.1' },
    );
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.confidence).toBeLessThan(0.5);
    expect(hit.evidence.map((e) => `${e.file}:${e.line}`)).toContain('gunicorn.log:1');
  });

  it.skipIf(!debianGunicorn)('every gunicorn original above is a config gunicorn reads', () => {
    for (const c of [...invalid, ...valid]) {
      const f = c.input[0]!;
      if (!f.name.endsWith('.py') || f.text.includes('os.environ')) continue;
      expect(() => gunicornReads(f.text, ['workers'])).not.toThrow();
    }
  });

  it('property: fires exactly for a recycle limit without jitter on more than one worker', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        (workers, maxRequests, jitter) => {
          const text =
            `workers = ${workers}\nmax_requests = ${maxRequests}\n` +
            (jitter === undefined ? '' : `max_requests_jitter = ${jitter}\n`);
          const report = analyze([{ name: 'gunicorn.conf.py', text }], { nginxVersion: '1.22.1' });
          const hits = report.findings.filter((f) => f.rule === RULE);
          const fires = maxRequests > 0 && !jitter && workers !== 1;
          expect(hits.length).toBe(fires ? 1 : 0);
          if (!fires) return;
          const step = Math.max(1, Math.round(maxRequests * 0.1));
          expect(report.fixed[0]!.text).toMatch(new RegExp(`^max_requests_jitter = ${step}$`, 'm'));
          expect(ofRule([{ name: 'gunicorn.conf.py', text: report.fixed[0]!.text }])).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('corpus: real gunicorn and uWSGI configs; every fix re-parses cleanly and clears the finding', () => {
    let fired = 0;
    for (const f of [...corpusFiles('gunicorn'), ...corpusFiles('uwsgi')]) {
      const report = analyze([f], { nginxVersion: '1.22.1', unsafe: true });
      const hit = report.findings.find((x) => x.rule === RULE);
      if (!hit) continue;
      fired++;
      expect(hit.compared![0]!.source, f.name).toMatch(
        new RegExp(`^${f.name.replace(/\./g, '\\.')}:\\d+$`),
      );
      if (!hit.fix!.applied) continue;
      const fixed = report.fixed.find((x) => x.name === f.name)!;
      const again = analyze([{ name: f.name, text: fixed.text }], { nginxVersion: '1.22.1' });
      expect(again.files[0]!.errors, f.name).toEqual(report.files[0]!.errors);
      expect(
        again.findings.filter((x) => x.rule === RULE),
        f.name,
      ).toEqual([]);
    }
    // Several published configs set max_requests without jitter (or the uWSGI equivalent).
    expect(fired).toBeGreaterThan(0);
  });
});
