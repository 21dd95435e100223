/**
 * Incident: a FastAPI service run by uvicorn in docker compose (`command: uvicorn … --port
 * 8000`, so uvicorn's default --timeout-keep-alive of 5 s), behind nginx pooling connections to
 * the service by name (`server orders:8000; keepalive 32;`, keepalive_timeout left at 60 s).
 * nginx logs the resolved address (172.19.0.4), and the 502s are POST and PATCH requests that
 * nginx does not retry. Expected: keepalive-race claims all three lines and sets the pool's
 * keepalive_timeout below uvicorn's; the fixed config passes nginx -t.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { applyPatch, readFiles } from '../helpers/incident-files.ts';

const files = readFiles(join(import.meta.dirname, 'keepalive-race-uvicorn', 'input'));
const run = (input = files) => analyze(input, { nginxVersion: '1.24.0' });
const edit = (name: string, change: (text: string) => string) =>
  files.map((f) => (f.name === name ? { ...f, text: change(f.text) } : f));

describe('incident: uvicorn behind a compose service name, keep-alive race', () => {
  const report = run();

  it('the race explains every nginx line, with uvicorn’s command line as evidence', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('keepalive-race');
    expect(top.role).toBe('cause');
    expect(top.explains).toBe(3);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'orders.conf:3',
        'compose.yaml:10',
        'error.log:1',
        'error.log:2',
        'error.log:3',
      ]),
    );
    expect(top.compared!.map((c) => c.value)).toEqual(expect.arrayContaining(['60s', '5s']));
    expect(report.findings.map((f) => f.cause)).not.toContain('unexplained');
  });

  it('the fix: keepalive_timeout 4s in the upstream block, a one-line patch that applies', () => {
    expect(report.fixed.map((f) => f.name)).toEqual(['orders.conf']);
    const fixed = report.fixed[0]!.text;
    expect(fixed).toContain('    keepalive 32;\n    keepalive_timeout 4s;\n}');
    expect(report.patch.split('\n').filter((l) => /^[+-][^+-]/.test(l))).toEqual([
      '+    keepalive_timeout 4s;',
    ]);
    const patched = applyPatch(files, report.patch);
    expect(patched.status, patched.output).toBe(0);
    expect(patched.files.find((f) => f.name === 'orders.conf')!.text).toBe(fixed);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'orders.conf', text: fixed }]);
      expect(result.ok, result.output).toBe(true);
    }
    // Analysed again, the fixed files say nothing of the race.
    const again = run(edit('orders.conf', () => fixed));
    expect(again.findings.map((f) => f.cause)).not.toContain('keepalive-race');
  });

  it('the timer ladder puts uvicorn’s 5 s idle timer under nginx’s 60 s', () => {
    const ladder = report.timers![0]!;
    const names = ladder.timers.map((t) => `${t.setting} ${t.seconds}`);
    expect(names.indexOf('timeout_keep_alive 5')).toBeLessThan(
      names.indexOf('keepalive_timeout 60'),
    );
  });

  it('near miss: uvicorn keeps idle connections 75 s, longer than nginx: no race, lines unexplained', () => {
    const near = run(
      edit('compose.yaml', (t) => t.replace('--workers 2', '--workers 2 --timeout-keep-alive 75')),
    );
    expect(near.findings.map((f) => f.cause)).not.toContain('keepalive-race');
    expect(near.findings.map((f) => f.cause)).toContain('unexplained');
  });

  it('near miss: the same address on another port is not this pool’s', () => {
    const near = run(edit('error.log', (t) => t.replaceAll(':8000', ':8001')));
    const race = near.findings.find((f) => f.cause === 'keepalive-race')!;
    expect(race.explains).toBe(0);
    expect(race.evidence.map((e) => e.file)).not.toContain('error.log');
  });
});
