/**
 * Incident: a billing app on uWSGI behind nginx. Year-long CSV exports take a few minutes and
 * uWSGI allows them 240 s (`harakiri = 240`), but nginx's `uwsgi_read_timeout` was never set,
 * so nginx gives up after its 60 s default: "upstream timed out (110)" and 504s on /export/.
 * Expected: proxy-timeout first, and the /export/ location waits just under the app's limit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const DIR = join(import.meta.dirname, 'proxy-timeout');
const read = (sub: string) =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));

describe('incident: proxy-timeout', () => {
  const report = analyze(read('input'), { nginxVersion: '1.22.1' });

  it('ranks the nginx timeout first, with the location, its value and the app limit', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('proxy-timeout');
    expect(top.message).toMatch(/location \/export\//);
    expect(top.compared).toEqual([
      expect.objectContaining({
        setting: 'uwsgi_read_timeout',
        value: '60s',
        source: 'nginx 1.22 default',
      }),
      expect.objectContaining({ setting: 'harakiri', value: '240 s', source: 'billing.ini:12' }),
    ]);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining(['billing.ini:12', 'error.log:1', 'error.log:2', 'error.log:3']),
    );
    // The manual advice about slow exports comes with it.
    expect(report.findings.filter((f) => f.cause === 'proxy-timeout')).toHaveLength(2);
  });

  it('fixes exactly the /export/ location, and nginx accepts it', () => {
    const expected = read('expected');
    expect(report.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    if (!nginxMissing) {
      const result = nginxTest(expected);
      expect(result.ok, result.output).toBe(true);
    }
  });
});
