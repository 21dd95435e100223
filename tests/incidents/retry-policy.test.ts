/**
 * Incident: customers are charged twice. Someone added `non_idempotent` to proxy_next_upstream
 * so app-server restarts would not show 502s; when app-1's payment handler died mid-request
 * (after charging the card), nginx sent the same POST to app-2, which charged again. The error
 * log has app-1's failures, the access log ($upstream_addr, $upstream_status) shows each of
 * those POSTs answered 201 by app-2. The fix is unsafe (opt-in): without the flag a POST that
 * reached a server is not sent to another, and the client sees the 502.
 *
 * The access log uses the config's own log_format: it is recognised because that config is
 * pasted with it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { applyPatch, readFiles as read } from '../helpers/incident-files.ts';

const DIR = join(import.meta.dirname, 'retry-policy');

describe('incident: retry-policy (doubled payments through non_idempotent retries)', () => {
  const inputs = read(DIR);

  it('ranks the retry policy first with the proof from both logs; not fixed unless opted in', () => {
    const report = analyze(inputs, { nginxVersion: '1.22.1' });
    expect(report.files.flatMap((f) => f.errors)).toEqual([]);
    const top = report.findings[0]!;
    expect(top.cause).toBe('retry-policy');
    expect(top.message).toContain('POST /api/payments: 10.0.1.11:8000 → 10.0.1.12:8000 ×3');
    expect(top.evidence[0]).toMatchObject({ file: 'nginx.conf', line: 18 });
    expect(top.evidence.filter((e) => e.file === 'error.log').map((e) => e.line)).toEqual([
      1, 2, 3,
    ]);
    expect(top.evidence.some((e) => e.file === 'access.log')).toBe(true);
    expect(top.fix).toMatchObject({ safety: 'unsafe', applied: false });
    expect(report.fixed).toEqual([]);
  });

  it('with unsafe fixes opted in: exactly the flag goes, nginx -t accepts the result', () => {
    const report = analyze(inputs, { nginxVersion: '1.22.1', unsafe: true });
    const expected = read(join(DIR, 'fixed'));
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    expect(report.findings[0]!.fix).toMatchObject({ safety: 'unsafe', applied: true });
    const after = inputs.map((f) => expected.find((e) => e.name === f.name) ?? f);
    const again = analyze(after, { nginxVersion: '1.22.1', unsafe: true });
    expect(again.findings.filter((f) => f.cause === 'retry-policy')).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest(expected);
      expect(result.ok, result.output).toBe(true);
    }
  });
  it('its patch applies to the originals with patch -p1 and gives the fixed files', () => {
    const report = analyze(inputs, { nginxVersion: '1.22.1', unsafe: true });
    const expected = read(join(DIR, 'fixed'));
    const originals = inputs.filter((f) => expected.some((e) => e.name === f.name));
    const result = applyPatch(originals, report.patch);
    expect(result.status, result.output).toBe(0);
    expect(result.files).toEqual(expected.map((e) => ({ name: e.name, text: e.text })));
  });
});
