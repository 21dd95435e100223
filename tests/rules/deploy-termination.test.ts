/**
 * deploy-termination, RuleTester-style: Kubernetes workloads running gunicorn/uWSGI that stop
 * without a preStop delay or with a grace period that does not cover preStop + graceful
 * shutdown (with the exact fixed YAML, read back by the `yaml` library and re-analysed), the
 * SIGTERM / Killing lines and nginx failures it explains, and near misses that must not
 * trigger. The whole Kubernetes corpus goes through the rule and its fix.
 */
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { Finding, SourceFile } from '../../workers/engine/model.ts';
import { corpusFiles } from '../formats/corpus.ts';
import {
  deployment,
  GUNICORN_CONF,
  GUNICORN_FLOW,
  invalid,
  NGINX,
  nginxError,
  REFUSED,
  SIGTERM_LOG,
} from './deploy-termination.cases.ts';

const RULE = 'deploy-termination';
const run = (files: SourceFile[]) => analyze(files, { nginxVersion: '1.22.1' });
const mine = (files: SourceFile[]) => run(files).findings.filter((f) => f.rule === RULE);

function readBack(text: string): { preStop: unknown; grace: unknown } {
  const docs = parseAllDocuments(text);
  expect(docs.every((d) => d.errors.length === 0)).toBe(true);
  const spec = (docs[0]!.toJS() as { spec: { template: { spec: Record<string, unknown> } } }).spec
    .template.spec;
  const container = (spec.containers as { lifecycle?: { preStop?: unknown } }[])[0]!;
  return { preStop: container.lifecycle?.preStop, grace: spec.terminationGracePeriodSeconds };
}

describe(RULE, () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = run(c.files);
      const hits = report.findings.filter((f) => f.rule === RULE);
      expect(hits, JSON.stringify(report.findings, null, 1)).toHaveLength(1);
      const hit = hits[0]!;
      expect(hit.cause).toBe('deploy-termination');
      expect(hit.fix?.safety).toBe(c.safety);
      for (const text of c.mentions) expect(hit.message).toContain(text);
      const logs = new Set(report.events.map((e) => e.file));
      expect(hit.evidence.some((e) => logs.has(e.file))).toBe(c.explains);
      expect(hit.evidence.some((e) => /\.ya?ml$/.test(e.file))).toBe(true);
      if (c.explains) expect(hit.confidence!).toBeGreaterThan(0.5);
      else expect(hit.confidence!).toBeLessThan(0.5);

      const fixed = Object.fromEntries(report.fixed.map((f) => [f.name, f.text]));
      expect(fixed).toEqual(c.output);
      if (c.reads) expect(readBack(Object.values(c.output)[0]!)).toEqual(c.reads);
      if (Object.keys(c.output).length === 0) return;

      // Re-analysed with the same logs: gone, and fixing again changes nothing.
      const after = c.files.map((f) => ({ ...f, text: c.output[f.name] ?? f.text }));
      const again = run(after);
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(again.fixed).toEqual([]);
    });
  }

  it('cites the compared values with their sources', () => {
    const [hit] = mine(invalid[0]!.files);
    expect(hit!.compared).toEqual([
      expect.objectContaining({ setting: 'lifecycle.preStop', value: 'none', source: 'not set' }),
      expect.objectContaining({ setting: 'terminationGracePeriodSeconds', value: '30' }),
      expect.objectContaining({ setting: 'graceful_timeout', value: '30' }),
    ]);
    const cited = hit!.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining(['deployment.yaml:2', 'gunicorn.log:1', 'error.log:1', 'error.log:2']),
    );
    // A worker exiting is part of the stop, and "Shutting down: Master" also ends failed
    // boots: neither counts as a termination line of its own.
    expect(cited).not.toContain('gunicorn.log:2');
    expect(cited).not.toContain('gunicorn.log:3');
  });

  it('ranks above backend-down, which sees only the refused connections', () => {
    const report = run(invalid[0]!.files);
    expect(report.findings.map((f) => f.rule).slice(0, 2)).toEqual([RULE, 'backend-down']);
  });

  it('a liveness-probe kill is not a pod stop: the hit explains nothing', () => {
    const files = [
      ...invalid[4]!.files.filter((f) => f.name !== 'events.log'),
      {
        name: 'events.log',
        text: '3m          Normal    Killing             pod/shop-7d9f8b6c5-x2x9k    Container web failed liveness probe, will be restarted\n',
      },
    ];
    const [hit] = mine(files);
    expect(hit!.confidence!).toBeLessThan(0.5);
    expect(hit!.fix?.safety).toBe('manual');
  });

  it('a failed boot ("Shutting down: Master", no signal) is a crash, not a pod stop', () => {
    const crash = `[2024-05-02 10:14:03 +0000] [9] [ERROR] Exception in worker process
[2024-05-02 10:14:03 +0000] [1] [ERROR] Worker (pid:9) exited with code 3
[2024-05-02 10:14:03 +0000] [1] [ERROR] Shutting down: Master
[2024-05-02 10:14:03 +0000] [1] [ERROR] Reason: Worker failed to boot.
`;
    const files = invalid[0]!.files.map((f) =>
      f.name === 'gunicorn.log' ? { ...f, text: crash } : f,
    );
    const [hit] = mine(files);
    expect(hit!.confidence!).toBeLessThan(0.5);
    expect(hit!.fix?.safety).toBe('manual');
  });

  it('the fix says what it does: lengthen a short hook, or only raise the grace period', () => {
    const [short] = mine(invalid.find((c) => c.name.startsWith('a preStop sleep of 2 s'))!.files);
    expect(short!.fix!.description).toMatch(/^Lengthen the preStop sleep to 10 s/);
    const graceOnly = deployment(
      GUNICORN_FLOW +
        '          lifecycle:\n            preStop:\n              sleep:\n                seconds: 15\n',
    );
    const [hit] = mine([{ name: 'deployment.yaml', text: graceOnly }]);
    expect(hit!.message).toContain('terminationGracePeriodSeconds 30 (Kubernetes default');
    expect(hit!.message).not.toContain('preStop hook sleeps only');
    expect(hit!.fix!.description).toMatch(/^Raise terminationGracePeriodSeconds to 50 /);
  });

  it('failures long after the SIGTERM are not claimed', () => {
    const late = nginxError(
      '10:19:00',
      'connect() failed (111: Connection refused) while connecting to upstream',
      '/cart',
    );
    const files = invalid[0]!.files.map((f) =>
      f.name === 'error.log' ? { ...f, text: `${late}\n` } : f,
    );
    const [hit] = mine(files);
    expect(hit!.confidence!).toBeLessThan(0.5);
  });
});

const valid: { name: string; files: SourceFile[] }[] = [
  {
    name: 'preStop sleep 10 and a grace period of 60 (above 10 + 30)',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(
          GUNICORN_FLOW +
            '          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "10"]\n',
          '\n      terminationGracePeriodSeconds: 60',
        ),
      },
      { name: 'gunicorn.log', text: SIGTERM_LOG },
      { name: 'error.log', text: `${REFUSED}\n` },
    ],
  },
  {
    name: 'native sleep 15 with graceful_timeout 20 and grace 40',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(
          `        - name: web
          image: shop:2
          command: ["gunicorn", "--graceful-timeout", "20", "shop.wsgi"]
          lifecycle:
            preStop:
              sleep:
                seconds: 15
`,
          '\n      terminationGracePeriodSeconds: 40',
        ),
      },
    ],
  },
  {
    name: 'a Job runs to completion: not a serving pod',
    files: [
      {
        name: 'job.yaml',
        text: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: shop:2
          command: ["gunicorn", "shop.wsgi"]
`,
      },
    ],
  },
  {
    name: 'a container that runs no app server this tool reads (redis)',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(`        - name: cache
          image: redis:7
          args: ["redis-server", "--save", ""]
`),
      },
    ],
  },
  {
    name: 'a drain hook (httpGet) may delay for as long as it needs: not judged; grace 90',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(
          GUNICORN_FLOW +
            '          lifecycle:\n            preStop:\n              httpGet:\n                path: /drain\n                port: 8000\n',
          '\n      terminationGracePeriodSeconds: 90',
        ),
      },
    ],
  },
  {
    name: 'gunicorn outside Kubernetes, SIGTERM and refused in the logs',
    files: [
      { name: 'gunicorn.conf.py', text: GUNICORN_CONF },
      { name: 'nginx.conf', text: NGINX.replace('10.0.0.10', '127.0.0.1') },
      { name: 'gunicorn.log', text: SIGTERM_LOG },
    ],
  },
];

describe(`${RULE}: near misses`, () => {
  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(mine(c.files)).toEqual([]);
    });
  }
});

describe(`${RULE}: properties`, () => {
  it('fires exactly when preStop < 5 s or grace ≤ preStop + graceful_timeout; the fix ends it', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
        fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
        fc.integer({ min: 0, max: 60 }),
        (preStop, grace, graceful) => {
          const hook =
            preStop === null
              ? ''
              : `          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "${preStop}"]\n`;
          const text = deployment(
            `        - name: web
          image: shop:2
          command: ["gunicorn", "--graceful-timeout", "${graceful}", "shop.wsgi"]
${hook}`,
            grace === null ? '' : `\n      terminationGracePeriodSeconds: ${grace}`,
          );
          const files = [{ name: 'deployment.yaml', text }];
          const report = run(files);
          const hits: Finding[] = report.findings.filter((f) => f.rule === RULE);
          const delay = preStop ?? 0;
          const expected = delay < 5 || (grace ?? 30) <= delay + graceful;
          expect(hits.length).toBe(expected ? 1 : 0);
          if (!expected) return;
          const fixed = report.fixed.find((f) => f.name === 'deployment.yaml')!.text;
          expect(mine([{ name: 'deployment.yaml', text: fixed }])).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the Kubernetes corpus: never throws; every fix parses, re-analyses clean and is idempotent', () => {
    for (const file of corpusFiles('k8s')) {
      const files = [{ name: file.name, text: file.text }];
      const report = run(files);
      const fixed = report.fixed.find((f) => f.name === file.name);
      if (!fixed) continue;
      expect(
        parseAllDocuments(fixed.text).every((d) => d.errors.length === 0),
        file.name,
      ).toBe(true);
      const again = run([{ name: file.name, text: fixed.text }]);
      expect(
        again.findings.filter((f) => f.rule === RULE),
        file.name,
      ).toEqual([]);
      expect(again.fixed, file.name).toEqual([]);
    }
  });
});
