/**
 * deploy-termination outside Kubernetes (rules/lib/host-restart.ts): a gunicorn stopped by a
 * signal and started again, with refused requests in between, is a restart that drops
 * requests (manual advice: reload in place); near misses — stopped and never started again
 * (backend-down's), a SIGHUP reload, failures outside the gap — must not trigger it.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';

const RULE = 'deploy-termination';
const run = (files: SourceFile[]) => analyze(files, { nginxVersion: '1.22.1' });

const NGINX = `server {
    listen 80;
    location / {
        proxy_pass http://127.0.0.1:9000;
        proxy_set_header Host $host;
    }
}
`;
const GUNICORN = 'wsgi_app = "app:app"\nbind = "127.0.0.1:9000"\nworkers = 2\ntimeout = 90\n';
const at = (time: string, pid: number, text: string) =>
  `[2026-11-21 09:00:${time} +0000] [${pid}] [INFO] ${text}`;
const BOOT = [
  at('40', 100, 'Starting gunicorn 20.1.0'),
  at('40', 100, 'Listening at: http://127.0.0.1:9000 (100)'),
  at('40', 101, 'Booting worker with pid: 101'),
];
const STOP = [
  at('42', 100, 'Handling signal: term'),
  at('42', 101, 'Worker exiting (pid: 101)'),
  at('43', 100, 'Shutting down: Master'),
];
const START = [
  at('45', 200, 'Starting gunicorn 20.1.0'),
  at('45', 200, 'Listening at: http://127.0.0.1:9000 (200)'),
];
const refused = (time: string) =>
  `2026/11/21 09:${time} [error] 7#7: *55 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET /fast HTTP/1.1", upstream: "http://127.0.0.1:9000/fast", host: "localhost"`;

const files = (gunicornLog: string[], errorLog: string[]): SourceFile[] => [
  { name: 'nginx.conf', text: NGINX },
  { name: 'gunicorn.conf.py', text: GUNICORN },
  { name: 'gunicorn.log', text: gunicornLog.join('\n') + '\n' },
  { name: 'error.log', text: errorLog.join('\n') + '\n' },
];

describe(`${RULE}: stop-then-start restarts outside Kubernetes`, () => {
  it('a restart with refused requests in the gap ranks first, above backend-down, as advice', () => {
    const report = run(
      files([...BOOT, ...STOP, ...START], [refused('00:42'), refused('00:43'), refused('00:44')]),
    );
    expect(report.findings.map((f) => f.rule).slice(0, 2)).toEqual([RULE, 'backend-down']);
    const top = report.findings[0]!;
    expect(top.cause).toBe('deploy-termination');
    expect(top.confidence!).toBeGreaterThan(report.findings[1]!.confidence!);
    expect(top.message).toContain('was stopped (SIGTERM, gunicorn.log:4)');
    expect(top.message).toContain('started again 3 s later (gunicorn.log:7)');
    expect(top.message).toContain('nothing listened on 127.0.0.1:9000');
    expect(top.message).toContain('3 failed request(s) (connect-refused)');
    expect(top.compared).toEqual([
      expect.objectContaining({
        setting: 'restart',
        value: 'stop + start, 3 s without a listener',
        source: 'gunicorn.log:4 → gunicorn.log:7',
      }),
    ]);
    expect(top.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'gunicorn.log:4',
      'gunicorn.log:7',
      'gunicorn.conf.py:2',
      'error.log:1',
      'error.log:2',
      'error.log:3',
    ]);
    expect(top.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(top.fix!.description).toContain('SIGHUP');
    expect(report.fixed).toEqual([]);
  });

  it('stopped and never started again: the server stayed down, not a restart', () => {
    const report = run(files([...BOOT, ...STOP], [refused('00:44'), refused('01:30')]));
    expect(report.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(report.findings[0]!.rule).toBe('backend-down');
  });

  it('a SIGHUP reload keeps the socket: refused lines then are something else', () => {
    const reload = [
      at('42', 100, 'Handling signal: hup'),
      at('42', 202, 'Booting worker with pid: 202'),
    ];
    const report = run(files([...BOOT, ...reload, ...START], [refused('00:43')]));
    expect(report.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('refusals minutes after the restart are not the restart’s', () => {
    const report = run(files([...BOOT, ...STOP, ...START], [refused('05:10')]));
    expect(report.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('a failed boot ends in "Shutting down: Master" without a signal: not a restart', () => {
    const crash = [
      at('42', 101, 'Worker exiting (pid: 101)'),
      at('43', 100, 'Shutting down: Master'),
      at('43', 100, 'Reason: Worker failed to boot.'),
    ];
    const report = run(files([...BOOT, ...crash, ...START], [refused('00:44')]));
    expect(report.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('restarts of a Kubernetes pod are the pod rule’s: no second, host-level finding', () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: web
          image: app:1
          command: ["gunicorn", "--bind", "0.0.0.0:9000", "app:app"]
          lifecycle:
            preStop:
              sleep:
                seconds: 10
`;
    const report = run([
      { name: 'deployment.yaml', text: deployment },
      { name: 'gunicorn.log', text: [...BOOT, ...STOP, ...START].join('\n') + '\n' },
      { name: 'error.log', text: refused('00:44') + '\n' },
    ]);
    expect(report.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });
});
