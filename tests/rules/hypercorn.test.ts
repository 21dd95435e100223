/**
 * hypercorn behind nginx in the rules besides keepalive-race (whose cases are in
 * keepalive-race.cases.ts and keepalive-race-front-app.test.ts): worker-recycle for
 * `max_requests` (hypercorn 0.16+), deploy-termination for a manager that stops it before its
 * `graceful_timeout` (3 s by default) or with a signal it does not drain on. Each fix is exact,
 * and the fixed files are analysed again.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';

const NGINX = {
  name: 'nginx.conf',
  text: 'events {}\nhttp {\n    upstream api {\n        server 127.0.0.1:8000;\n    }\n    server {\n        location / {\n            proxy_pass http://api;\n        }\n    }\n}\n',
};
const toml = (extra: string) => ({
  name: 'hypercorn.toml',
  text: `bind = ["127.0.0.1:8000"]\nworkers = 4\n${extra}`,
});
const compose = (command: string, extra = '') => ({
  name: 'compose.yaml',
  text: `services:\n  api:\n    build: .\n    command: ${command}\n${extra}`,
});
const findings = (files: SourceFile[], rule: string) =>
  analyze(files, { nginxVersion: '1.24.0' })
    .findings.filter((f) => f.rule === rule)
    .flatMap((f) => eachPlace(f));
const fixedText = (files: SourceFile[], name: string) =>
  analyze(files, { nginxVersion: '1.24.0' }).fixed.find((f) => f.name === name)?.text;

describe('worker-recycle: hypercorn max_requests', () => {
  it('4 workers without jitter: max_requests_jitter = 10% added to the TOML file, and nothing left after', () => {
    const files = [NGINX, toml('max_requests = 5000\n')];
    const [hit] = findings(files, 'worker-recycle');
    expect(hit!.title).toBe('Workers are recycled all at once (no jitter)');
    expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
    const fixed = fixedText(files, 'hypercorn.toml');
    expect(fixed).toBe(`${toml('max_requests = 5000\n').text}max_requests_jitter = 500\n`);
    expect(findings([NGINX, { name: 'hypercorn.toml', text: fixed! }], 'worker-recycle')).toEqual(
      [],
    );
  });

  it('on the command line: --max-requests-jitter added after `hypercorn`', () => {
    const files = [NGINX, compose('hypercorn -b 127.0.0.1:8000 -w 2 --max-requests 1000 app:app')];
    expect(fixedText(files, 'compose.yaml')).toBe(
      compose(
        'hypercorn --max-requests-jitter 100 -b 127.0.0.1:8000 -w 2 --max-requests 1000 app:app',
      ).text,
    );
  });

  it('near misses: no limit, the jitter already set, one worker', () => {
    expect(findings([NGINX, toml('')], 'worker-recycle')).toEqual([]);
    expect(
      findings([NGINX, toml('max_requests = 5000\nmax_requests_jitter = 50\n')], 'worker-recycle'),
    ).toEqual([]);
    expect(
      findings(
        [
          NGINX,
          { name: 'hypercorn.toml', text: 'bind = ["127.0.0.1:8000"]\nmax_requests = 5000\n' },
        ],
        'worker-recycle',
      ),
    ).toEqual([]);
  });
});

describe('deploy-termination: a manager stopping hypercorn', () => {
  it('compose waits 10 s, hypercorn drains up to --graceful-timeout 30: stop_grace_period 35s', () => {
    const files = [
      NGINX,
      compose(
        'hypercorn -b 127.0.0.1:8000 --graceful-timeout 30 app:app',
        '    stop_grace_period: 10s\n',
      ),
    ];
    const [hit] = findings(files, 'deploy-termination');
    expect(hit!.message).toContain('graceful_timeout');
    expect(fixedText(files, 'compose.yaml')).toBe(
      compose(
        'hypercorn -b 127.0.0.1:8000 --graceful-timeout 30 app:app',
        '    stop_grace_period: 35s\n',
      ).text,
    );
  });

  it('a unit that stops it with SIGQUIT: hypercorn drains only on TERM and INT', () => {
    const unit = {
      name: 'api.service',
      text: '[Service]\nExecStart=/srv/venv/bin/hypercorn -b 127.0.0.1:8000 app:app\nKillSignal=SIGQUIT\n',
    };
    const [hit] = findings([NGINX, unit], 'deploy-termination');
    expect(hit!.message).toMatch(/QUIT/);
    expect(hit!.message).toContain('exits at once');
  });

  it('near misses: its default 3 s drain inside compose’s default 10 s; TERM', () => {
    expect(
      findings([NGINX, compose('hypercorn -b 127.0.0.1:8000 app:app')], 'deploy-termination'),
    ).toEqual([]);
    const unit = {
      name: 'api.service',
      text: '[Service]\nExecStart=/srv/venv/bin/hypercorn -b 127.0.0.1:8000 app:app\nKillSignal=SIGTERM\nTimeoutStopSec=10\n',
    };
    expect(findings([NGINX, unit], 'deploy-termination')).toEqual([]);
  });
});
