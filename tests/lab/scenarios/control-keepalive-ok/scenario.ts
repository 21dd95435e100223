import type { Scenario } from '../../lib/scenario.ts';

/**
 * Negative control for the keepalive race: the same lockstep POST bursts with ~2 s pauses,
 * but nginx drops pooled connections after 2 s, before gunicorn's 5 s. Nothing may fail,
 * and the CLI must not present keepalive-race (or any error-level cause) as a problem.
 */
const scenario: Scenario = {
  id: 'control-keepalive-ok',
  title: 'control: nginx pool 2 s < gthread keepalive 5 s, same bursts',
  expectedCause: 'keepalive-race',
  control: true,
  quick: false,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: {
    requests: 400,
    seconds: 30,
    concurrency: 12,
    burst: true,
    burstSpreadMs: 30,
    keepAlive: true,
    method: 'POST',
    paths: ['/echo', '/cpu?ms=20'],
    bodyBytes: 512,
    gapMs: [2050, 2600],
  },
  expectError: /upstream prematurely closed connection|Connection reset by peer\)/,
};

export default scenario;
