/**
 * worker-recycle, RuleTester-style: recycle limits without a spread (with the exact fixed
 * output, re-analysed; gunicorn output read back by Debian's gunicorn, uWSGI output by uWSGI in
 * strict mode), near misses, a property test against an independent oracle, and the corpus.
 * The pooled-connection finding (the one that explains 502s) is in worker-recycle.pool.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { corpusFiles } from '../formats/corpus.ts';
import {
  UWSGI,
  debianGunicorn,
  gunicornReads,
  uwsgiStrict,
  uwsgiVersion,
} from './lib/app-server-oracles.ts';

const RULE = 'worker-recycle';
const ofRule = (files: SourceFile[], unsafe = false) =>
  analyze(files, { nginxVersion: '1.22.1', unsafe }).findings.filter((f) => f.rule === RULE);

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
