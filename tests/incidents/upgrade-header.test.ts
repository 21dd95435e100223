/**
 * Incident: a Next.js shop set up from a "Node.js behind nginx" tutorial. `location /` serves
 * the pages, the API and the /live/orders WebSocket, and hard-codes Connection 'upgrade' for
 * all of them. The review finds it, with the access log showing the ordinary traffic that goes
 * through that location; the fix is the $http_upgrade map, placed at the top of the site file
 * (read in http context), and must keep the WebSocket working (101 lines stay possible).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { applyPatch, readFiles as read } from '../helpers/incident-files.ts';

const DIR = join(import.meta.dirname, 'upgrade-header');

describe('incident: upgrade-header (tutorial config on a Next.js shop)', () => {
  const inputs = read(DIR);
  const report = analyze(inputs, { nginxVersion: '1.24.0' });

  it('every input is read as what it is', () => {
    expect(Object.fromEntries(report.files.map((f) => [f.name, f.kind]))).toEqual({
      'access.log': 'log',
      'server.js': 'node',
      'shop.conf': 'nginx',
    });
  });

  it('ranks the hard-coded header first, citing the line and the ordinary requests (not the 101)', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('upgrade-header');
    expect(top.evidence[0]).toMatchObject({ file: 'shop.conf', line: 19 });
    expect(top.evidence.filter((e) => e.file === 'access.log').map((e) => e.line)).toEqual([
      1, 2, 4,
    ]);
    expect(top.message).toContain('4 ordinary request(s)');
    // A configuration finding: it explains no failure, so it stays below 0.5.
    expect(top.confidence).toBeLessThan(0.5);
  });

  it('adds the map where nginx accepts it and changes only the header line; nginx -t accepts it', () => {
    const expected = read(join(DIR, 'fixed'));
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    const after = inputs.map((f) => expected.find((e) => e.name === f.name) ?? f);
    const again = analyze(after, { nginxVersion: '1.24.0' });
    expect(again.findings.filter((f) => f.cause === 'upgrade-header')).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest(expected);
      expect(result.ok, result.output).toBe(true);
    }
  });
  it('its patch applies to the originals with patch -p1 and gives the fixed files', () => {
    const report = analyze(inputs, { nginxVersion: '1.24.0' });
    const expected = read(join(DIR, 'fixed'));
    const originals = inputs.filter((f) => expected.some((e) => e.name === f.name));
    const result = applyPatch(originals, report.patch);
    expect(result.status, result.output).toBe(0);
    expect(result.files).toEqual(expected.map((e) => ({ name: e.name, text: e.text })));
  });
});
