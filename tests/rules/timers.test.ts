/**
 * rules/lib/timers.ts: every timer on a request's path with its source, the elapsed time of the
 * failed requests, and which timer (if any) that time matches — near misses included.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../workers/engine/model.ts';
import { join } from 'node:path';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';
import { fires, matchTimers, timingSentence } from '../../workers/engine/rules/lib/timer-match.ts';
import type { PathTimer } from '../../workers/engine/rules/lib/timers.ts';

const timer = (seconds: number, setting = `t${seconds}`): PathTimer => ({
  hop: 'hop',
  setting,
  seconds,
  source: 'x.conf:1',
});
const took = (...seconds: number[]) =>
  seconds.map((s, i) => ({
    event: {
      file: 'access.log',
      line: i + 1,
      source: 'nginx-access',
      kind: 'response',
    } as LogEvent,
    seconds: s,
  }));

describe('which timer fired', () => {
  it('an elapsed time matches a timer from just before it to a little after', () => {
    expect(fires(60, 60.4)).toBe(true);
    expect(fires(60, 60.0)).toBe(true);
    expect(fires(30, 31.2)).toBe(true); // app servers check their timers about once a second
    expect(fires(60, 59.5)).toBe(false); // a timer never fires early
    expect(fires(60, 62)).toBe(false);
    expect(fires(300, 305.5)).toBe(true); // 2% of a long timer
  });

  it('60.4 s matches the 60 s timer and no other', () => {
    const m = matchTimers(took(60.4, 60.3, 60.45), [timer(30), timer(60, 'read'), timer(300)]);
    expect(m).toMatchObject({ consistent: true, count: 3, median: 60.4 });
    expect(m!.fired.map((t) => t.setting)).toEqual(['read']);
  });

  it('45 s with timers at 30 and 60 matches none, and says so', () => {
    const m = matchTimers(took(45, 45.2), [timer(30), timer(60)]);
    expect(m).toMatchObject({ consistent: true, fired: [] });
    expect(timingSentence(m)).toContain('no timer on the path is that long');
  });

  it('a mix of durations is no match', () => {
    const m = matchTimers(took(12, 58.9, 30.2), [timer(30), timer(60)]);
    expect(m).toMatchObject({ consistent: false, fired: [], min: 12, max: 58.9 });
    expect(timingSentence(m)).toBe(
      ' The 3 failed requests ended after 12.0–58.9 s: not one timer (each ends its requests at one time).',
    );
  });

  it('two timers of the same length both fired, as far as the logs can tell', () => {
    const m = matchTimers(took(30.1), [timer(30, 'timeout'), timer(30, 'graceful_timeout')]);
    expect(timingSentence(m)).toBe(
      ' The failed request ended at 30.1 s: hop timeout (30 s, x.conf:1), or hop graceful_timeout (30 s, x.conf:1) fired.',
    );
  });

  it('no elapsed time in the logs: nothing is said', () => {
    expect(matchTimers([], [timer(60)])).toBeNull();
    expect(timingSentence(null)).toBe('');
  });
});

describe('timers on the path, end to end', () => {
  const site = (
    read: string,
  ) => `log_format t '$remote_addr [$time_local] "$request" $status urt=$upstream_response_time';
server {
    listen 80;
    access_log /var/log/nginx/access.log t;
    location / {
        proxy_pass http://127.0.0.1:8000;
${read}    }
}
`;
  const access = (urt: string) =>
    `10.0.0.1 [03/Dec/2026:10:01:00 +0000] "GET /r HTTP/1.1" 504 urt=${urt}\n`;
  const timedOut =
    '2026/12/03 10:01:00 [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: , request: "GET /r HTTP/1.1", upstream: "http://127.0.0.1:8000/r", host: "x"\n';

  it("nginx's own read timeout, with its source; connect/send left out for a read-phase failure", () => {
    const report = analyze(
      [
        { name: 'site.conf', text: site('        proxy_read_timeout 20s;\n') },
        { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 90\n' },
        { name: 'access.log', text: access('20.002') },
        { name: 'error.log', text: timedOut },
      ],
      { nginxVersion: '1.22.1' },
    );
    const advice = report.findings.find((f) => f.key?.endsWith('proxy_read_timeout'))!;
    expect(advice.message).toContain(
      'The failed request ended at 20.0 s: nginx server :80 location / proxy_read_timeout (20 s, site.conf:7) fired.',
    );
  });

  it('a retried request: each try of $upstream_response_time is one run of the timer', () => {
    const report = analyze(
      [
        { name: 'site.conf', text: site('        proxy_read_timeout 20s;\n') },
        { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 90\n' },
        // Two tries of 20 s each: the request took 40 s, no timer on the path is 40 s long.
        { name: 'access.log', text: access('20.001, 20.003') },
        { name: 'error.log', text: timedOut },
      ],
      { nginxVersion: '1.22.1' },
    );
    const advice = report.findings.find((f) => f.key?.endsWith('proxy_read_timeout'))!;
    expect(advice.message).toContain(
      'The 2 failed requests ended at 20.0 s (±0.01): nginx server :80 location / proxy_read_timeout (20 s, site.conf:7) fired.',
    );
  });

  it('uWSGI HARAKIRI lines say how long the request ran ("since" against the line time)', () => {
    const report = analyze(
      [
        { name: 'site.conf', text: site('        proxy_read_timeout 120s;\n') },
        { name: 'app.ini', text: '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nharakiri = 45\n' },
        {
          name: 'uwsgi.log',
          // The request started 45 s before the line's own time.
          text: `Fri Nov 27 10:01:22 2026 - HARAKIRI [core 0] 10.0.0.1 - GET /r since ${
            Date.UTC(2026, 10, 27, 10, 1, 22) / 1000 - 45
          }\n`,
        },
      ],
      { nginxVersion: '1.22.1' },
    );
    const f = report.findings.find((x) => x.rule === 'app-timeout')!;
    expect(f.message).toContain(
      'The failed request ended at 45.0 s: uWSGI (app.ini) harakiri (45 s, app.ini:3) fired.',
    );
  });

  it('no rule claims the failures, but they ended when a timer fires: the fallback names it', () => {
    // A uWSGI socket-timeout of 60 s under a 300 s uwsgi_read_timeout, no harakiri: cut at 60 s.
    const conf = `log_format t '$remote_addr [$time_local] "$request" $status $request_time';
server {
    listen 80;
    access_log /var/log/nginx/access.log t;
    location /admin/ {
        include uwsgi_params;
        uwsgi_read_timeout 300;
        uwsgi_pass unix:/run/admin.sock;
    }
}
`;
    const report = analyze(
      [
        { name: 'admin.conf', text: conf },
        { name: 'admin.ini', text: '[uwsgi]\nsocket = /run/admin.sock\nsocket-timeout = 60\n' },
        {
          name: 'error.log',
          text: '2026/02/13 14:48:14 [error] 31#0: *22 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.5, server: _, request: "POST /admin/import HTTP/1.1", upstream: "uwsgi://unix:/run/admin.sock:", host: "x"\n',
        },
        {
          name: 'access.log',
          text: '10.0.0.5 [13/Feb/2026:14:48:14 +0000] "POST /admin/import HTTP/1.1" 502 60.012\n',
        },
      ],
      { nginxVersion: '1.22.1' },
    );
    const fallback = report.findings.find((f) => f.cause === 'unexplained')!;
    expect(fallback.message).toContain(
      'ended at 60.0 s: uWSGI (admin.ini) socket-timeout (60 s, admin.ini:3) fired there — look at it first.',
    );
    expect(report.timers![0]!.timers.map((t) => `${t.setting} ${t.seconds}`)).toEqual([
      'socket-timeout 60',
      'keepalive_timeout 75', // nginx's idle timer for its clients (default), listed, never fired
      'uwsgi_read_timeout 300',
    ]);
  });

  it('idle and pod timers are on the ladder for the whole picture, and never "fired"', () => {
    const report = analyze(readFiles(join(import.meta.dirname, '../incidents/oom-kill/input')), {
      nginxVersion: '1.22.1',
    });
    const ladder = report.timers![0]!;
    const listed = ladder.timers.map((t) => `${t.setting} ${t.seconds} ${t.bounds ?? 'request'}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'keepalive 2 idle',
        'terminationGracePeriodSeconds 30 pod',
        'proxy_read_timeout 60 request',
      ]),
    );
    // An idle timer the same length as a failure is not what ended it.
    const m = matchTimers(took(2.1), [
      { hop: 'gunicorn', setting: 'keepalive', seconds: 2, source: 'default', bounds: 'idle' },
    ]);
    expect(m!.fired).toEqual([]);
  });
});
