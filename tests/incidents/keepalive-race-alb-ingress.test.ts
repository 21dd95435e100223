/**
 * Incident: a Django API on EKS behind an AWS Load Balancer Controller Ingress. The ALB sends
 * straight to the pods (target type ip) and keeps idle connections 120 s
 * (`idle_timeout.timeout_seconds=120` among other attributes); gunicorn's gevent workers close
 * them after `keepalive = 5` (gunicorn.conf.py, mounted into the pods). The ALB's log has two
 * 502s with target status "-" (the race) and one 502 the app answered itself (target status
 * 502: another matter). Expected: keepalive-race claims exactly the two, raises gunicorn's
 * keepalive above 120 s in the pasted config, and nothing claims an nginx that is not there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { drawnHops } from '../../src/lib/request-path.ts';
import { readFiles } from '../helpers/incident-files.ts';

const files = readFiles(join(import.meta.dirname, 'keepalive-race-alb-ingress', 'input'));
const run = (input = files) => analyze(input);
const edit = (name: string, change: (text: string) => string) =>
  files.map((f) => (f.name === name ? { ...f, text: change(f.text) } : f));

describe('incident: an ALB Ingress idle timeout longer than gunicorn’s keepalive', () => {
  const report = run();
  const race = report.findings.find((f) => f.cause === 'keepalive-race')!;

  it('the balancer → app race is the cause of the two 502s the pods never answered, and only those', () => {
    expect(report.findings[0]).toBe(race);
    expect(race.role).toBe('cause');
    expect(race.title).toBe(
      'The load balancer reuses connections the app server has already closed',
    );
    expect(race.explains).toBe(2);
    expect(race.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'ingress.yaml:10',
      'gunicorn.conf.py:8',
      'alb-access.log:2',
      'alb-access.log:4',
    ]);
    expect(race.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['idle_timeout.timeout_seconds', '120 s'],
      ['keepalive', '5s'],
    ]);
    const other = report.findings.find((f) => f.cause === 'unexplained')!;
    expect(other.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['alb-access.log:3']);
  });

  it('the fix raises keepalive to 125 in the mounted config; Python compiles it and the race is gone', () => {
    const fixed = report.fixed.find((f) => f.name === 'gunicorn.conf.py')!.text;
    expect(fixed).toBe(
      files
        .find((f) => f.name === 'gunicorn.conf.py')!
        .text.replace('keepalive = 5\n', 'keepalive = 125\n'),
    );
    expect(report.fixed.map((f) => f.name)).toEqual(['gunicorn.conf.py']);
    const dir = mkdtempSync(join(tmpdir(), 'ud-alb-'));
    try {
      writeFileSync(join(dir, 'gunicorn.conf.py'), fixed);
      execFileSync('python3', ['-m', 'py_compile', join(dir, 'gunicorn.conf.py')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(run(edit('gunicorn.conf.py', () => fixed)).findings.map((f) => f.cause)).not.toContain(
      'keepalive-race',
    );
  });

  it('the request path goes from the balancer to the app server, with no nginx hop', () => {
    expect(drawnHops(report).map((h) => h.id)).toEqual(['client', 'front', 'app', 'pod']);
    const idle = report.timers![0]!.timers.find(
      (t) => t.setting === 'idle_timeout.timeout_seconds',
    );
    expect(idle).toMatchObject({ seconds: 120, source: 'ingress.yaml:10' });
  });

  it('near miss: keepalive = 130 outlasts the ALB: no race, both 502s unexplained', () => {
    const near = run(
      edit('gunicorn.conf.py', (t) => t.replace('keepalive = 5', 'keepalive = 130')),
    );
    expect(near.findings.map((f) => f.cause)).not.toContain('keepalive-race');
    expect(near.findings.find((f) => f.cause === 'unexplained')!.explains).toBe(3);
  });

  it('near miss: the sync worker closes after every response: nothing is reused', () => {
    const near = run(edit('gunicorn.conf.py', (t) => t.replace('worker_class = "gevent"\n', '')));
    expect(near.findings.map((f) => f.cause)).not.toContain('keepalive-race');
  });
});
