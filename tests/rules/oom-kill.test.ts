/**
 * oom-kill: fires only on OOM lines (kernel, Kubernetes, gunicorn/uWSGI SIGKILL not caused by
 * a timeout), gives manual advice with the numbers found and their sources, and a safe
 * recycling mitigation with its exact fixed output where workers are never recycled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { CORPUS, corpusFiles } from '../formats/corpus.ts';
import { UWSGI, debianGunicorn, gunicornReads, uwsgiStrict } from './lib/app-server-oracles.ts';

const RULE = 'oom-kill';
const V = '1.22.1';
const ofRule = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: V }).findings.filter((f) => f.rule === RULE);

const deployment = (command: string, memory: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: shop:1.2
          command: ${command}
          resources:
            limits:
              memory: ${memory}
`;

const gunicornPod: SourceFile[] = [
  { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\nworkers = 4\ntimeout = 120\n' },
  {
    name: 'deploy.yaml',
    text: deployment('["gunicorn", "-c", "gunicorn.conf.py", "shop.wsgi"]', '1Gi'),
  },
  {
    name: 'site.conf',
    text: 'server {\n    listen 80;\n    location / {\n        proxy_pass http://shop:8000;\n        proxy_read_timeout 100s;\n    }\n}\n',
  },
  {
    name: 'dmesg.txt',
    text: '[Thu May  2 10:15:30 2024] Memory cgroup out of memory: Killed process 4242 (gunicorn) total-vm:912000kB, anon-rss:310000kB, file-rss:12000kB, shmem-rss:0kB, UID:1000 pgtables:900kB oom_score_adj:999\n',
  },
  {
    name: 'gunicorn.log',
    text: '[2024-05-02 10:15:30 +0000] [1] [WARNING] Worker (pid:4242) was sent SIGKILL! Perhaps out of memory?\n',
  },
  {
    name: 'error.log',
    text: [
      '2024/05/02 10:15:30 [error] 31#31: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: _, request: "POST /api/import HTTP/1.1", upstream: "http://10.0.0.7:8000/api/import", host: "shop.example.com"',
      // An hour later: not next to any kill.
      '2024/05/02 11:20:00 [error] 31#31: *9900 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.9, server: _, request: "GET / HTTP/1.1", upstream: "http://10.0.0.7:8000/", host: "shop.example.com"',
    ].join('\n'),
  },
];

const uwsgiPod: SourceFile[] = [
  {
    name: 'uwsgi.ini',
    text: '[uwsgi]\nmodule = shop.wsgi\nmaster = true\nprocesses = 4\nhttp-socket = :8000\n',
  },
  { name: 'deploy.yaml', text: deployment('["uwsgi", "--ini", "uwsgi.ini"]', '512Mi') },
  {
    name: 'pods.txt',
    text: 'NAME                    READY   STATUS      RESTARTS      AGE\nshop-7d9f8b6c5d-x2x9k   0/1     OOMKilled   3 (40s ago)   12m\n',
  },
];

describe('oom-kill', () => {
  it('gunicorn in a pod: manual advice with workers, killed RSS and the memory limit, cited', () => {
    const report = analyze(gunicornPod, { nginxVersion: V });
    const main = report.findings[0]!;
    expect(main.rule).toBe(RULE);
    expect(main.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(main.compared).toEqual([
      {
        hop: 'gunicorn in deploy.yaml Deployment shop / web',
        setting: 'workers',
        value: '4',
        source: 'gunicorn.conf.py:2',
      },
      {
        hop: 'kernel',
        setting: 'anon-rss of the killed process',
        value: '303 MiB',
        source: 'dmesg.txt:1',
      },
      {
        hop: 'kubernetes Deployment shop / web',
        setting: 'resources.limits.memory',
        value: '1Gi',
        source: 'deploy.yaml:14',
      },
    ]);
    expect(main.message).toMatch(/4 × 303 MiB ≈ 1\.2 GiB/);
    expect(main.fix!.description).toMatch(/more than the 1Gi limit/);
    const cited = main.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'dmesg.txt:1',
        'gunicorn.log:1',
        'deploy.yaml:14',
        'gunicorn.conf.py:2',
        'error.log:1',
      ]),
    );
    expect(cited).not.toContain('error.log:2');
  });

  it('gunicorn never recycling: the safe mitigation adds max_requests with jitter', () => {
    const report = analyze(gunicornPod, { nginxVersion: V });
    const mitigation = report.findings.filter((f) => f.rule === RULE)[1]!;
    expect(mitigation.title).toMatch(/Mitigation/);
    expect(mitigation.fix).toMatchObject({ safety: 'safe', applied: true });
    expect(report.fixed.map((f) => f.name)).toEqual(['gunicorn.conf.py']);
    const output =
      'bind = "0.0.0.0:8000"\nworkers = 4\ntimeout = 120\nmax_requests = 1000\nmax_requests_jitter = 100\n';
    expect(report.fixed[0]!.text).toBe(output);
    if (debianGunicorn)
      expect(gunicornReads(output, ['max_requests', 'max_requests_jitter'])).toEqual({
        max_requests: 1000,
        max_requests_jitter: 100,
      });
    // Re-analysed: the cause stays (the logs still show the kills), the mitigation is done,
    // and nothing new appears (worker-recycle is satisfied by the jitter).
    const fixed = gunicornPod.map((f) =>
      f.name === 'gunicorn.conf.py' ? { ...f, text: output } : f,
    );
    const again = analyze(fixed, { nginxVersion: V });
    expect(again.findings.filter((f) => f.rule === RULE).map((f) => f.fix!.safety)).toEqual([
      'manual',
    ]);
    expect(again.findings.map((f) => f.rule)).not.toContain('worker-recycle');
    expect(again.fixed).toEqual([]);
  });

  it('uWSGI in a pod, OOMKilled row: reload-on-rss at 80% of each process share of the limit', () => {
    const report = analyze(uwsgiPod, { nginxVersion: V });
    const [main, mitigation] = report.findings.filter((f) => f.rule === RULE);
    expect(main!.fix!.safety).toBe('manual');
    expect(main!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(
      expect.arrayContaining(['pods.txt:2', 'deploy.yaml:14', 'uwsgi.ini:4']),
    );
    expect(mitigation!.fix).toMatchObject({ safety: 'safe', applied: true });
    const output =
      '[uwsgi]\nmodule = shop.wsgi\nmaster = true\nprocesses = 4\nhttp-socket = :8000\nreload-on-rss = 102\n';
    expect(report.fixed[0]!.text).toBe(output);
    // uWSGI in strict mode knows every option (the listener moved to a socket in a temp dir).
    if (UWSGI)
      expect(uwsgiStrict(output.replace(/^http-socket = .*$/m, 'socket = here'))).not.toMatch(
        /unknown config directive/,
      );
  });

  it('gunicorn SIGKILL alone, workers already recycled: the cause without a mitigation', () => {
    const found = ofRule([
      {
        name: 'gunicorn.conf.py',
        text: 'workers = 2\nmax_requests = 500\nmax_requests_jitter = 50\n',
      },
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:15:30 +0000] [1] [WARNING] Worker (pid:77) was sent SIGKILL! Perhaps out of memory?\n',
      },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.fix!.safety).toBe('manual');
    expect(found[0]!.evidence.map((e) => `${e.file}:${e.line}`)).toContain('gunicorn.log:1');
  });

  it('uWSGI worker killed by signal 9 without a config: still the cause', () => {
    const found = ofRule([
      {
        name: 'uwsgi.log',
        text: 'Thu May  2 10:15:30 2024 - DAMN ! worker 3 (pid: 812) died, killed by signal 9 :( trying respawn ...\n',
      },
    ]);
    expect(found.map((f) => f.cause)).toEqual(['oom-kill']);
  });

  it('php-fpm child ended by SIGKILL: the cause (php-fpm itself only sends SIGTERM on timeouts)', () => {
    const found = ofRule([
      {
        name: 'php-fpm.log',
        text: '[02-May-2024 10:15:31] WARNING: [pool www] child 4711 exited on signal 9 (SIGKILL) after 812.004 seconds from start\n',
      },
    ]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/php-fpm child killed by SIGKILL/),
    ]);
  });

  const valid: { name: string; input: SourceFile[] }[] = [
    {
      name: 'a memory limit and many workers but no OOM line',
      input: gunicornPod.filter((f) => !/dmesg|gunicorn\.log/.test(f.name)),
    },
    {
      name: 'gunicorn SIGKILL after a WORKER TIMEOUT of the same worker (a timeout, not memory)',
      input: [
        {
          name: 'gunicorn.log',
          text: [
            '[2024-05-02 10:15:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)',
            '[2024-05-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)',
            '[2024-05-02 10:15:31 +0000] [1] [WARNING] Worker (pid:9) was sent SIGKILL! Perhaps out of memory?',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'uWSGI killed by signal 9 after HARAKIRI of the same worker',
      input: [
        {
          name: 'uwsgi.log',
          text: [
            'Thu May  2 10:15:30 2024 - *** HARAKIRI ON WORKER 2 (pid: 289, try: 1) ***',
            'Thu May  2 10:15:31 2024 - DAMN ! worker 2 (pid: 289) died, killed by signal 9 :( trying respawn ...',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'php-fpm child killed after its own request_terminate_timeout',
      input: [
        {
          name: 'php-fpm.log',
          text: [
            '[02-May-2024 10:15:31] WARNING: [pool www] child 4711, script \'/var/www/html/report.php\' (request: "GET /report.php") execution timed out (30.012 sec), terminating',
            '[02-May-2024 10:15:32] WARNING: [pool www] child 4711 exited on signal 9 (SIGKILL) after 31.5 seconds from start',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'exit code 137 when the kubelet killed the container for a failed liveness probe',
      input: [
        {
          name: 'describe.txt',
          text: [
            '    Last State:     Terminated',
            '      Exit Code:    137',
            'Events:',
            '  Warning  Unhealthy  2m (x3 over 3m)  kubelet  Liveness probe failed: HTTP probe failed with statuscode: 500',
            '  Normal   Killing    2m               kubelet  Container web failed liveness probe, will be restarted',
          ].join('\n'),
        },
      ],
    },
  ];
  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ofRule(c.input)).toEqual([]);
    });
  }

  it('property: never fires without an OOM line, whatever else the logs hold', () => {
    // A SIGKILL is only "not memory" next to the timeout that caused it: those come in pairs.
    const notOom = fc.constantFrom(
      '[2024-05-02 10:15:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n[2024-05-02 10:15:01 +0000] [1] [WARNING] Worker (pid:9) was sent SIGKILL! Perhaps out of memory?',
      '[2024-05-02 10:15:01 +0000] [7] [INFO] Autorestarting worker after current request.',
      'Thu May  2 10:15:30 2024 - *** HARAKIRI ON WORKER 2 (pid: 289, try: 1) ***\nThu May  2 10:15:31 2024 - DAMN ! worker 2 (pid: 289) died, killed by signal 9 :( trying respawn ...',
      '[ 7093.543707] uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986',
      '      Exit Code:    143',
      '2024/05/02 10:15:30 [error] 31#31: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "x"',
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(notOom, fc.string({ maxLength: 120 })), { maxLength: 20 }),
        (lines) => {
          const files: SourceFile[] = [...gunicornPod.filter((f) => !/\.(txt|log)$/.test(f.name))];
          files.push({ name: 'app.log', text: lines.join('\n') });
          expect(ofRule(files)).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
  });

  const errorsTsv = join(CORPUS, 'errors.tsv');
  it.skipIf(!existsSync(errorsTsv))('corpus: real pasted lines, labelled by hand', () => {
    const rows = readFileSync(errorsTsv, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((row) => row.slice(row.indexOf('\t') + 1));
    // OOM evidence: the kernel's kill line, Kubernetes' OOMKilled, a gunicorn worker ended by
    // SIGKILL (20.x: "terminated due to signal 9", 21+: "was sent SIGKILL! Perhaps out of
    // memory?") or a uWSGI worker "killed by signal 9", with no WORKER TIMEOUT or HARAKIRI
    // beside it. "invoked oom-killer" alone names the process that asked, not the one killed.
    const isOom = (line: string) =>
      /Killed process \d+|OOMKilled|Perhaps out of memory|(terminated due to|killed by) signal 9\b/.test(
        line,
      );
    let fired = 0;
    for (const line of rows) {
      const found = ofRule([{ name: 'pasted.log', text: line }]);
      expect(found.length > 0, line).toBe(isOom(line));
      fired += found.length > 0 ? 1 : 0;
    }
    expect(fired).toBeGreaterThanOrEqual(5);
  });

  it('corpus: configs alone (no log) never produce an OOM finding', () => {
    for (const folder of ['gunicorn', 'uwsgi', 'k8s', 'nginx']) {
      for (const f of corpusFiles(folder)) expect(ofRule([f]), f.name).toEqual([]);
    }
  });
});

describe('the kernel naming its victim before the kill (4.19+)', () => {
  it('is the same kill as the "Killed process" line that follows, and a kill on its own', async () => {
    const { oomEvents } = await import('../../workers/engine/rules/lib/oom-events.ts');
    const { decodeLog } = await import('../../workers/engine/logs/index.ts');
    const target =
      '[Tue Apr  9 11:02:13 2024] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=kubepods,mems_allowed=0,oom_memcg=/kubepods/pod3a7f,task_memcg=/kubepods/pod3a7f/web,task=gunicorn,pid=3177,uid=1000';
    const kill =
      '[Tue Apr  9 11:02:13 2024] Memory cgroup out of memory: Killed process 3177 (gunicorn) total-vm:402112kB, anon-rss:187204kB, file-rss:0kB';
    const both = decodeLog('dmesg', `${target}\n${kill}\n`).events;
    expect(oomEvents(both).map((e) => e.kind)).toEqual(['oom-kill']);
    const alone = decodeLog('dmesg', `${target}\n`).events;
    expect(oomEvents(alone).map((e) => [e.kind, e.fields?.victimPid])).toEqual([
      ['oom-target', 3177],
    ]);
  });
});
