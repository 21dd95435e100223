/**
 * Incident: a report renderer on gunicorn in a Kubernetes pod limited to 512Mi, with four
 * workers that each grow to ~180 MiB while rendering. The memory cgroup's OOM killer kills a
 * worker (dmesg), gunicorn logs "was sent SIGKILL! Perhaps out of memory?", and nginx logs the
 * render request it was serving as "upstream prematurely closed connection" (a 502).
 * Expected: oom-kill first as manual advice with the numbers (4 × ~180 MiB vs 512Mi) and their
 * sources, and the safe mitigation (worker recycling with jitter) as the only file change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const DIR = join(import.meta.dirname, 'oom-kill');
const read = (sub: string) =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));

describe('incident: oom-kill', () => {
  const report = analyze(read('input'), { nginxVersion: '1.22.1' });

  it('ranks the OOM kills first, as manual advice with the numbers found', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('oom-kill');
    expect(top.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(top.compared).toEqual([
      expect.objectContaining({ setting: 'workers', value: '4', source: 'gunicorn.conf.py:2' }),
      expect.objectContaining({ value: '183 MiB', source: 'dmesg.txt:3' }),
      expect.objectContaining({
        setting: 'resources.limits.memory',
        value: '512Mi',
        source: 'deployment.yaml:28',
      }),
    ]);
    expect(top.message).toMatch(/4 × 183 MiB ≈ 731 MiB/);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'dmesg.txt:3',
        'dmesg.txt:4',
        'gunicorn.log:1',
        'gunicorn.log:3',
        'deployment.yaml:28',
        'error.log:1',
        'error.log:2',
      ]),
    );
  });

  it('applies only the safe mitigation: recycle workers with jitter', () => {
    const expected = read('expected');
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
  });
});
