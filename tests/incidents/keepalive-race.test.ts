/**
 * Incident: a shop behind nginx 1.22 starts returning 502 on "add to cart" and checkout after
 * the upstream block got `keepalive 32`. gunicorn runs gthread workers with the default
 * `keepalive = 2`; nginx keeps pooled connections for 60s. Written from the lab reproduction
 * (tests/lab/scenarios/keepalive-race-gunicorn): the failing requests are the POST/PATCH ones,
 * the GET that hit the same race was retried by nginx and answered 200.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { applyPatch, readFiles as read } from '../helpers/incident-files.ts';

const DIR = join(import.meta.dirname, 'keepalive-race');

describe('incident: keepalive-race (gunicorn gthread behind an nginx keepalive pool)', () => {
  const inputs = read(DIR);
  const report = analyze(inputs, { nginxVersion: '1.22.1' });

  it('every input is read as what it is', () => {
    expect(Object.fromEntries(report.files.map((f) => [f.name, f.kind]))).toEqual({
      'access.log': 'log',
      'error.log': 'log',
      'gunicorn.conf.py': 'gunicorn',
      'nginx.conf': 'nginx',
    });
    expect(report.files.flatMap((f) => f.errors)).toEqual([]);
  });

  it('ranks the keepalive race first, with the race lines as evidence', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('keepalive-race');
    const logLines = top.evidence.filter((e) => e.file === 'error.log').map((e) => e.line);
    // The buffering warning (line 6) is not a race failure.
    expect(logLines).toEqual([1, 2, 3, 4, 5]);
    expect(top.compared).toContainEqual({
      hop: 'gunicorn',
      setting: 'keepalive',
      value: '2s',
      source: 'gunicorn default (gunicorn 19.x–23.x)',
    });
    expect(top.message).toContain('3 POST, 1 GET, 1 PATCH');
  });

  it('fixes nginx.conf exactly as expected, and nginx accepts it', () => {
    const expected = read(join(DIR, 'fixed'));
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    expect(report.findings[0]!.fix).toMatchObject({ safety: 'safe', applied: true });
    const after = inputs.map((f) => expected.find((e) => e.name === f.name) ?? f);
    const again = analyze(after, { nginxVersion: '1.22.1' });
    expect(again.findings.filter((f) => f.cause === 'keepalive-race')).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest(expected);
      expect(result.ok, result.output).toBe(true);
    }
  });
  it('its patch applies to the originals with patch -p1 and gives the fixed files', () => {
    const report = analyze(inputs, { nginxVersion: '1.22.1' });
    const expected = read(join(DIR, 'fixed'));
    const originals = inputs.filter((f) => expected.some((e) => e.name === f.name));
    const result = applyPatch(originals, report.patch);
    expect(result.status, result.output).toBe(0);
    expect(result.files).toEqual(expected.map((e) => ({ name: e.name, text: e.text })));
  });
});
