/**
 * Incident: a Django shop behind nginx. The reports location waits up to 120 s
 * (`proxy_read_timeout 120s`), but gunicorn's sync workers are killed after `timeout = 30`:
 * every report slower than 30 s ends in "WORKER TIMEOUT" and, at the same second, nginx's
 * "upstream prematurely closed connection while reading response header" (a 502).
 * Expected: app-timeout first, and gunicorn's timeout raised just above nginx's 120 s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';
import { runIncident } from '../rules/lib/incident.ts';

const DIR = join(import.meta.dirname, 'app-timeout');
const read = (sub: string) =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));

describe('incident: app-timeout', () => {
  const report = analyze(read('input'), { nginxVersion: '1.22.1' });

  it('ranks the app server timeout first, citing both limits and the log lines', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('app-timeout');
    expect(top.compared).toEqual([
      expect.objectContaining({ setting: 'timeout', value: '30 s', source: 'gunicorn.conf.py:7' }),
      expect.objectContaining({
        setting: 'proxy_read_timeout',
        value: '120s',
        source: 'shop.conf:19',
      }),
    ]);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:7',
        'shop.conf:19',
        'gunicorn.log:6',
        'error.log:1',
      ]),
    );
  });

  it('fixes exactly the gunicorn config', () => {
    const expected = read('expected');
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    const again = analyze(
      read('input').map((f) => expected.find((e) => e.name === f.name) ?? f),
      { nginxVersion: '1.22.1' },
    );
    expect(again.findings.map((f) => f.cause)).not.toContain('app-timeout');
  });
});

/**
 * Incident: uWSGI `harakiri = 30` under `uwsgi_read_timeout 300s`, HARAKIRI in the log. Raising
 * harakiri to 305 s would be unsafe (opt-in), so the default diff lowers nginx's wait just under
 * 30 s: clients get nginx's 504 instead of a killed worker's 502. Opted in, harakiri is raised
 * instead (and nginx left alone).
 */
describe('incident: app-timeout whose raise would be unsafe (uWSGI harakiri)', () => {
  const dir = join(import.meta.dirname, 'app-timeout-harakiri');
  runIncident('app-timeout', dir, { nginxVersion: '1.22.1' });
  const inputs = readFiles(join(dir, 'input'));

  it('counts kills, not the lines that report them, and names both changes', () => {
    const top = analyze(inputs, { nginxVersion: '1.22.1' }).findings[0]!;
    expect(top).toMatchObject({ cause: 'app-timeout', role: 'cause', explains: 2 });
    expect(top.message).toContain('The uWSGI log shows 2 such kill(s)');
    expect(top.fix).toMatchObject({ safety: 'safe', applied: true });
    expect(top.fix!.alternative).toMatchObject({ safety: 'unsafe', applied: false });
    expect(top.fix!.alternative!.description).toContain('Raise harakiri to 305 s');
    // A safe change exists (it is the default), so nothing says there is none.
    expect(top.fix!.noSafeChange).toBeUndefined();
  });

  it('opted in, harakiri is raised instead and nginx is left as it was', () => {
    const report = analyze(inputs, { nginxVersion: '1.22.1', unsafe: true });
    expect(report.fixed.map((f) => f.name)).toEqual(['reports.ini']);
    expect(report.fixed[0]!.text).toContain('harakiri = 305\n');
    expect(report.findings[0]!.fix).toMatchObject({
      applied: false,
      alternative: { applied: true },
    });
  });
});

/**
 * Incident: a report that takes about 120 s, cut at 60 s. nginx allows 300 s, but the app runs
 * under `uwsgi --http`: uWSGI's own HTTP router sits between nginx and the workers and drops a
 * response silent for http-timeout (60 s by default). The router logs no kill; the access log's
 * $upstream_response_time (60.0 s on every 502) says which timer fired. Fix: --http-socket.
 */
describe('incident: app-timeout of the uWSGI HTTP router (`uwsgi --http`)', () => {
  const dir = join(import.meta.dirname, 'app-timeout-router');
  runIncident('app-timeout', dir, { nginxVersion: '1.22.1' });

  it('names the timer that fired from the elapsed times, among every timer on the path', () => {
    const top = analyze(readFiles(join(dir, 'input')), { nginxVersion: '1.22.1' }).findings[0]!;
    expect(top).toMatchObject({ cause: 'app-timeout', role: 'cause' });
    expect(top.message).toContain('http-timeout = 60 s');
    expect(top.message).toContain(
      'The 2 failed requests ended at 60.0 s (±0.01): uWSGI (Procfile) http-timeout (default 60 s) fired.',
    );
    expect(top.fix).toMatchObject({ safety: 'safe', applied: true });
    expect(top.fix!.description).toContain('http → http-socket');
  });
});
