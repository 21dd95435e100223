/**
 * Two incidents from issue 15 where a true-but-unrelated setting used to read as a second
 * cause: refused connections (the app was down) beside gunicorn's timeout under nginx's, and an
 * OOM kill beside an app timeout equal to nginx's read timeout. No pasted line shows a request
 * killed by the timeout, so it is a risk: after the cause, never an error, its fix not in the
 * default change.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { ALTERNATIVE, type Report, type SourceFile } from '../../workers/engine/model.ts';
import { readFiles } from '../helpers/incident-files.ts';

const OPTIONS = { nginxVersion: '1.22.1' };
const edit = (files: SourceFile[], name: string, change: (text: string) => string) =>
  files.map((f) => (f.name === name ? { ...f, text: change(f.text) } : f));

/** The backend-down incident with gunicorn's sync 30 s timeout, and nginx's config as `read` makes it. */
const downBesideSync30 = (read: (conf: string) => string) =>
  edit(
    edit(
      readFiles(join(import.meta.dirname, 'backend-down', 'input')),
      'gunicorn.conf.py',
      () => 'bind = "127.0.0.1:8000"\nworkers = 4\nworker_class = "sync"\ntimeout = 30\n',
    ),
    'api.conf',
    read,
  );

function expectLatentTimeout(report: Report, cause: string): void {
  const [top] = report.findings;
  expect(top).toMatchObject({ cause, role: 'cause' });
  const timeout = report.findings.find((f) => f.cause === 'app-timeout')!;
  expect(timeout).toMatchObject({ role: 'risk', explains: 0, severity: 'warning' });
  expect(report.findings.indexOf(timeout)).toBeGreaterThan(
    report.findings.findLastIndex((f) => f.role === 'cause'),
  );
  expect(timeout.fix).toMatchObject({ safety: 'safe', applied: false, byDefault: false });
  // Its raise (to nginx's 60 s plus the margin) is not in the default change.
  expect(report.fixed.some((f) => /^timeout = 65$/m.test(f.text))).toBe(false);
  const on = analyze(
    report.sources!.map(({ name, text }) => ({ name, text })),
    {
      ...OPTIONS,
      enabledFixes: [timeout.key!],
    },
  );
  expect(on.fixed.some((f) => /^timeout = 65$/m.test(f.text))).toBe(true);
}

describe('latent app timeouts beside the real cause', () => {
  it('refused connections while gunicorn was down; its sync 30 s under nginx 60 s is a risk', () => {
    const files = downBesideSync30((t) => t.replace('        proxy_read_timeout 30s;\n', ''));
    expectLatentTimeout(analyze(files, OPTIONS), 'backend-down');
  });

  it('an OOM kill beside an app timeout equal to nginx read timeout (60 s and 60 s)', () => {
    const files = edit(
      readFiles(join(import.meta.dirname, 'oom-kill', 'input')),
      'gunicorn.conf.py',
      (t) => t.replace('timeout = 90', 'timeout = 60'),
    );
    expectLatentTimeout(analyze(files, OPTIONS), 'oom-kill');
  });
});

describe('a risk whose fix has an alternative, beside failures: each is picked on its own', () => {
  const files = downBesideSync30((t) =>
    t.replace('proxy_read_timeout 30s;', 'proxy_read_timeout 300s;'),
  );
  const key = analyze(files, OPTIONS).findings.find((f) => f.cause === 'app-timeout')!.key!;
  const changed = (options: object) =>
    analyze(files, { ...OPTIONS, ...options }).fixed.map((f) => f.name);

  it('off by default; its key switches the fix on, its key + ALTERNATIVE the alternative', () => {
    expect(changed({})).toEqual([]);
    expect(changed({ enabledFixes: [key] })).toEqual(['api.conf']);
    expect(changed({ enabledFixes: [key + ALTERNATIVE] })).toEqual(['gunicorn.conf.py']);
    expect(changed({ unsafe: true })).toEqual(['gunicorn.conf.py']);
  });
});
