/**
 * deploy-termination for app servers run by docker compose, systemd or supervisord: the
 * manager's wait before SIGKILL (compose stop_grace_period, 10 s by default; systemd
 * TimeoutStopSec, 90 s; supervisord stopwaitsecs, 10)
 * against the app's drain (gunicorn graceful_timeout, 30 s by default; uvicorn
 * --timeout-graceful-shutdown; uWSGI worker-reload-mercy, through its graceful hook only), and a
 * stop signal the app does not drain on (uWSGI reloads on SIGTERM unless die-on-term, and then
 * exits at once). Exact fixed files, re-analysed; near misses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import { findLaunches } from '../../workers/engine/formats/gunicorn/launch.ts';

const ours = (files: SourceFile[]) =>
  analyze(files).findings.filter((f) => f.cause === 'deploy-termination');
const fixedText = (files: SourceFile[]) => analyze(files).fixed[0]?.text;

function fixes(file: SourceFile, expected: string) {
  const [hit] = ours([file]);
  expect(hit, 'finding').toBeDefined();
  expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
  const fixed = fixedText([file])!;
  expect(fixed).toBe(expected);
  expect(ours([{ ...file, text: fixed }])).toEqual([]);
}

describe('deploy-termination: docker compose and systemd', () => {
  it('compose runs gunicorn with the default 10 s wait under graceful_timeout 30: stop_grace_period 35s added', () => {
    const text =
      'services:\n  web:\n    image: shop/web\n    command: gunicorn shop.wsgi -b 0.0.0.0:8000\n';
    fixes(
      { name: 'compose.yaml', text },
      'services:\n  web:\n    stop_grace_period: 35s\n    image: shop/web\n    command: gunicorn shop.wsgi -b 0.0.0.0:8000\n',
    );
    const [hit] = ours([{ name: 'compose.yaml', text }]);
    expect(hit!.message).toContain('waits 10 s (stop_grace_period, default)');
  });

  it('compose stops uvicorn with SIGQUIT after 20s, under --timeout-graceful-shutdown 30: both replaced', () => {
    const text = (signal: string, wait: string) =>
      `services:\n  api:\n    command: ["uvicorn", "main:app", "--timeout-graceful-shutdown", "30"]\n    stop_signal: ${signal}\n    stop_grace_period: ${wait}\n`;
    fixes({ name: 'compose.yaml', text: text('SIGQUIT', '20s') }, text('SIGTERM', '35s'));
  });

  it('a systemd unit sends SIGINT to gunicorn and kills after 60 s under --graceful-timeout 120', () => {
    const unit = (signal: string, wait: string) =>
      `[Unit]\nDescription=shop\n\n[Service]\nExecStart=/srv/venv/bin/gunicorn shop.wsgi --graceful-timeout 120\nTimeoutStopSec=${wait}\nKillSignal=${signal}\n`;
    fixes({ name: 'shop.service', text: unit('SIGINT', '60') }, unit('SIGTERM', '125s'));
  });

  it('a systemd unit that says nothing: TimeoutStopSec added under [Service] when graceful_timeout is 100', () => {
    fixes(
      {
        name: 'shop.service',
        text: '[Service]\nExecStart=/usr/bin/gunicorn app:app --graceful-timeout 100\n',
      },
      '[Service]\nTimeoutStopSec=105s\nExecStart=/usr/bin/gunicorn app:app --graceful-timeout 100\n',
    );
  });

  it('does not trigger: systemd’s 90 s over gunicorn’s 30 s, a long enough compose wait, uvicorn with no drain limit', () => {
    expect(
      ours([{ name: 'app.service', text: '[Service]\nExecStart=/usr/bin/gunicorn app:app\n' }]),
    ).toEqual([]);
    expect(
      ours([
        {
          name: 'compose.yaml',
          text: 'services:\n  web:\n    command: gunicorn app:app\n    stop_grace_period: 1m\n',
        },
      ]),
    ).toEqual([]);
    expect(
      ours([{ name: 'compose.yaml', text: 'services:\n  api:\n    command: uvicorn main:app\n' }]),
    ).toEqual([]);
  });
});

describe('deploy-termination: supervisord', () => {
  const conf = (extra: string) =>
    `; the shop API\n[program:shop]\ncommand=/srv/venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8000\nenvironment=DJANGO_SETTINGS_MODULE="shop.settings,prod",LANG=C.UTF-8\n${extra}\n[program:worker]\ncommand=/srv/venv/bin/celery -A shop worker\n`;

  it('stopsignal=QUIT and the default stopwaitsecs (10) under graceful_timeout 30: TERM and 35', () => {
    const file = { name: 'shop.conf', text: conf('stopsignal=QUIT\n') };
    expect(detectKind(file.name, file.text).kind).toBe('gunicorn');
    fixes(
      file,
      // Added in the section's own `key=value` style.
      conf('stopsignal=TERM\n').replace('[program:shop]\n', '[program:shop]\nstopwaitsecs=35\n'),
    );
  });

  it('reads its environment= pairs, quoted values with commas included', () => {
    const launch = findLaunches('shop.conf', conf(''));
    expect(launch.form).toBe('supervisord');
    expect(launch.env.map((e) => [e.name, e.value])).toEqual([
      ['DJANGO_SETTINGS_MODULE', 'shop.settings,prod'],
      ['LANG', 'C.UTF-8'],
    ]);
    expect(launch.launches.map((l) => l.origin)).toEqual([
      'supervisord program:shop',
      'supervisord program:worker',
    ]);
  });

  it('does not trigger: stopwaitsecs 60 with TERM', () => {
    expect(ours([{ name: 'shop.conf', text: conf('stopwaitsecs=60\n') }])).toEqual([]);
  });
});

describe('deploy-termination: uWSGI under a process manager', () => {
  const ini = (extra = '') =>
    `[uwsgi]\nmodule = shop.wsgi\nmaster = true\nprocesses = 4\nsocket = 127.0.0.1:3031\n${extra}`;
  const HOOK = 'hook-master-start = unix_signal:15 gracefully_kill_them_all\n';
  const supervisord = (extra = '') =>
    `[program:shop]\ncommand=/srv/venv/bin/uwsgi --ini /etc/uwsgi/shop.ini\nautorestart=true\n${extra}`;
  const run = (files: SourceFile[]) => analyze(files);

  it('supervisord’s TERM makes uWSGI reload, not exit: the graceful hook in the ini, stopwaitsecs above the 60 s mercy', () => {
    const files = [
      { name: 'shop.conf', text: supervisord() },
      { name: 'shop.ini', text: ini() },
    ];
    const [hit] = ours(files);
    expect(hit!.message).toContain('reloads brutally instead of exiting');
    expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
    const fixed = Object.fromEntries(run(files).fixed.map((f) => [f.name, f.text]));
    expect(fixed).toEqual({
      'shop.conf': supervisord().replace('[program:shop]\n', '[program:shop]\nstopwaitsecs=65\n'),
      'shop.ini': ini(HOOK),
    });
    expect(ours(files.map((f) => ({ ...f, text: fixed[f.name]! })))).toEqual([]);
  });

  it('systemd’s KillSignal=SIGQUIT kills uWSGI at once even with die-on-term: SIGTERM and the hook', () => {
    const unit = (signal: string) =>
      `[Service]\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/shop.ini\nKillSignal=${signal}\n`;
    const files = [
      { name: 'shop.service', text: unit('SIGQUIT') },
      { name: 'shop.ini', text: ini('die-on-term = true\n') },
    ];
    const [hit] = ours(files);
    expect(hit!.message).toContain(
      'with SIGQUIT (KillSignal), on which uWSGI kills its workers at once',
    );
    const fixed = Object.fromEntries(run(files).fixed.map((f) => [f.name, f.text]));
    // systemd waits 90 s by default: above the mercy, left alone.
    expect(fixed).toEqual({
      'shop.service': unit('SIGTERM'),
      'shop.ini': ini(`die-on-term = true\n${HOOK}`),
    });
    expect(ours(files.map((f) => ({ ...f, text: fixed[f.name]! })))).toEqual([]);
  });

  it('supervisord’s own log shows the kills: its lines for this program are claimed, another program’s are not', () => {
    const log = {
      name: 'supervisord.log',
      text: [
        '2026-12-07 09:14:02,118 INFO waiting for shop to stop',
        '2026-12-07 09:14:04,118 INFO waiting for shop to stop',
        "2026-12-07 09:14:12,120 WARN killing 'shop' (3141) with SIGKILL",
        '2026-12-07 09:14:12,125 INFO stopped: shop (terminated by SIGKILL)',
        '2026-12-07 09:20:12,125 INFO stopped: celery (terminated by SIGKILL)',
      ].join('\n'),
    };
    // uWSGI's brutal reload cuts requests at the signal, 10 s before the kill; one a minute
    // later is not this stop's.
    const cut = (time: string, id: number) =>
      `2026/12/07 ${time} [error] 7#7: *${id} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.9, server: , request: "POST /cart HTTP/1.1", upstream: "uwsgi://127.0.0.1:3031", host: "shop.example.com"`;
    const errors = {
      name: 'error.log',
      text: [cut('09:14:02', 1), cut('09:14:03', 2), cut('09:15:30', 3)].join('\n'),
    };
    const [hit] = ours([
      { name: 'shop.conf', text: supervisord() },
      { name: 'shop.ini', text: ini() },
      log,
      errors,
    ]);
    expect(hit!.evidence.filter((e) => e.file === 'supervisord.log').map((e) => e.line)).toEqual([
      3, 4,
    ]);
    expect(hit!.evidence.filter((e) => e.file === 'error.log').map((e) => e.line)).toEqual([1, 2]);
    expect(hit!.message).toContain(
      "supervisord's log shows it: 2 line(s) where a stop ended in SIGKILL, and nginx logged 2 request(s) cut during the stop.",
    );
  });

  it('no ini pasted to carry the hook: the change is said, not half made', () => {
    const text =
      'services:\n  web:\n    command: uwsgi --http :8000 --module shop.wsgi --master\n    stop_grace_period: 90s\n';
    const [hit] = ours([{ name: 'compose.yaml', text }]);
    expect(hit!.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit!.fix!.description).toContain(
      'hook-master-start = unix_signal:15 gracefully_kill_them_all',
    );
    expect(run([{ name: 'compose.yaml', text }]).fixed).toEqual([]);
  });

  it('does not trigger: the hook with stopwaitsecs 70, or with systemd’s default 90 s', () => {
    expect(
      ours([
        { name: 'shop.conf', text: supervisord('stopwaitsecs=70\n') },
        { name: 'shop.ini', text: ini(HOOK) },
      ]),
    ).toEqual([]);
    expect(
      ours([
        {
          name: 'shop.service',
          text: '[Service]\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/shop.ini\n',
        },
        { name: 'shop.ini', text: ini(HOOK) },
      ]),
    ).toEqual([]);
  });
});
