/**
 * Incident: an API on gunicorn gthread workers recycled with `max_requests = 2000` and no
 * jitter. The four workers share the load evenly, reach 2000 within two seconds of each other
 * and restart together; nginx logs dropped requests (premature close, connection reset) in
 * exactly those seconds. Expected: worker-recycle first, and a 10% jitter added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const DIR = join(import.meta.dirname, 'worker-recycle');
const read = (sub: string) =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));

describe('incident: worker-recycle', () => {
  const report = analyze(read('input'), { nginxVersion: '1.22.1' });

  it('ranks recycling without jitter first, citing the setting, restarts and drops', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('worker-recycle');
    expect(top.compared).toEqual([
      expect.objectContaining({
        setting: 'max_requests',
        value: '2000',
        source: 'gunicorn.conf.py:9',
      }),
      expect.objectContaining({ setting: 'max_requests_jitter', value: '0' }),
      expect.objectContaining({ setting: 'workers', value: '4', source: 'gunicorn.conf.py:4' }),
    ]);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:9',
        'gunicorn.log:1',
        'error.log:1',
        'error.log:3',
      ]),
    );
    expect(cited).not.toContain('error.log:4');
  });

  it('fixes exactly the gunicorn config', () => {
    const expected = read('expected');
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
  });
});
