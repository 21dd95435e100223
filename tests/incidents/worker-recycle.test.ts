/**
 * Incident: an API on gunicorn gthread workers recycled with `max_requests = 2000` (no
 * jitter), behind an nginx upstream pool (`keepalive 32`). Each exiting worker closes the
 * pooled connections it holds, and requests nginx had just written to them fail (premature
 * close, connection reset) in exactly the seconds of the "Autorestarting worker" lines.
 * Expected: worker-recycle first (the pool finding). No safe change stops these drops, so the
 * default change is empty: the jitter is a risk (it spreads restarts, it does not stop a
 * pooled connection dying with its worker), one switch away; opting in removes the pool, the
 * change the lab measured to stop the 502s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const DIR = join(import.meta.dirname, 'worker-recycle');
const read = (sub: string) =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));

describe('incident: worker-recycle', () => {
  const report = analyze(read('input'), { nginxVersion: '1.22.1' });

  it('ranks the pooled-recycle finding first, citing settings, restarts and drops', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('worker-recycle');
    expect(top.title).toMatch(/pools/);
    expect(top.compared).toEqual([
      expect.objectContaining({
        setting: 'max_requests',
        value: '2000',
        source: 'gunicorn.conf.py:11',
      }),
      expect.objectContaining({
        setting: 'keepalive',
        value: 'keepalive 32',
        source: 'api.conf:3',
      }),
      expect.objectContaining({ setting: 'keepalive', value: '75s', source: 'gunicorn.conf.py:8' }),
    ]);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:11',
        'api.conf:3',
        'gunicorn.log:1',
        'error.log:1',
        'error.log:3',
      ]),
    );
    expect(cited).not.toContain('error.log:4');
    // The jitter finding is there too, explaining nothing on its own.
    expect(report.findings.filter((f) => f.cause === 'worker-recycle')).toHaveLength(2);
  });

  it('the cause says why no safe change stops it; the risk and a safe cause say nothing of it', () => {
    const top = report.findings[0]!;
    expect(top.fix!.noSafeChange).toMatch(/^Removing the upstream pool is unsafe \(opt-in\)/);
    const jitter = report.findings.find((f) => f.role === 'risk')!;
    expect(jitter.fix!.noSafeChange).toBeUndefined();
  });

  it('changes nothing by default; the jitter, switched on, fixes exactly the gunicorn config', () => {
    expect(report.fixed).toEqual([]);
    const jitter = report.findings.find((f) => f.role === 'risk' && f.cause === 'worker-recycle');
    expect(jitter!.fix).toMatchObject({ safety: 'safe', byDefault: false, applied: false });
    const on = analyze(read('input'), { nginxVersion: '1.22.1', enabledFixes: [jitter!.key!] });
    expect(on.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(read('expected'));
  });

  it('opting in also removes the pool, and nginx accepts the result', () => {
    const unsafe = analyze(read('input'), { nginxVersion: '1.22.1', unsafe: true });
    const expected = read('expected-unsafe');
    expect(unsafe.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    if (!nginxMissing) {
      const result = nginxTest(expected.filter((f) => f.name.endsWith('.conf')));
      expect(result.ok, result.output).toBe(true);
    }
  });
});
