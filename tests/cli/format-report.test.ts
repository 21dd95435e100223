/** The CLI's text report: causes before risks under their headings, and the timer ladder. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { formatReport } from '../../bin/format-report.ts';
import { readFiles } from '../helpers/incident-files.ts';

const incident = (name: string) =>
  formatReport(
    analyze(readFiles(join(import.meta.dirname, '..', 'incidents', name, 'input')), {
      nginxVersion: '1.22.1',
    }),
  );

describe('text report', () => {
  it('lists the causes of the pasted failures, then the risks under their own heading', () => {
    const text = formatReport(
      analyze(
        [
          {
            name: 'site.conf',
            text: 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
          },
          { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\n' },
          {
            name: 'error.log',
            text: '2026/12/01 09:00:01 [error] 31#31: *4 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "x"\n',
          },
        ],
        { nginxVersion: '1.22.1' },
      ),
    );
    const causes = text.indexOf('What happened — causes of the failures in your logs:');
    const down = text.indexOf('1. [error] Nothing was listening');
    const risks = text.indexOf('Also in your configs — not seen in your logs:');
    const timeout = text.indexOf('2. [warning] The app server kills requests');
    expect([causes, down, risks, timeout].every((i) => i >= 0)).toBe(true);
    expect(causes < down && down < risks && risks < timeout).toBe(true);
  });

  it('prints every timer on the failing path, shortest first, marking the one that fired', () => {
    const lines = incident('app-timeout-router').split('\n');
    const start = lines.indexOf('Timers on the path of reports.example.com location /:');
    expect(start).toBeGreaterThan(0);
    const rows = lines.slice(start + 1, start + 5);
    expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '4 s socket-timeout',
      '60 s http-timeout',
      '75 s keepalive_timeout',
      '300 s proxy_read_timeout',
    ]);
    expect(rows[1]).toContain(
      'uWSGI default (uWSGI 2.0.x)  <- fired: 2 failed request(s) ended at 60.0 s',
    );
    expect(rows[2]).toContain('[idle]');
    expect(rows[3]).toContain('reports.conf:8');
    expect(rows[3]).not.toContain('fired');
  });

  it('marks a timer its own log says fired (HARAKIRI), with no elapsed times to go on', () => {
    const lines = incident('app-timeout-harakiri').split('\n');
    const harakiri = lines.find((l) => /^\s+30 s\s+harakiri\s/.test(l));
    expect(harakiri).toContain('<- fired: its own log says so');
    const read = lines.find((l) => /uwsgi_read_timeout/.test(l) && /^\s+300 s/.test(l));
    expect(read).not.toContain('fired');
  });
});
