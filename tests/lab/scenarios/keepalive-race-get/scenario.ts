import type { Scenario } from '../../lib/scenario.ts';

/**
 * The gunicorn keepalive race on GET traffic: nginx retries an idempotent request that fails
 * on a cached connection, so no client sees a 502, but the error log fills with
 * "recv() failed (104: Connection reset by peer) while reading response header". The lab
 * counts the failure by those lines; after the fix there must be none.
 */
const scenario: Scenario = {
  id: 'keepalive-race-get',
  title: 'the gthread keepalive race on GETs: retried, only logged',
  expectedCause: 'keepalive-race',
  quick: false,
  random: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: {
    requests: 400,
    seconds: 30,
    concurrency: 12,
    burst: true,
    burstSpreadMs: 30,
    keepAlive: true,
    paths: ['/echo', '/cpu?ms=20'],
    gapMs: [2050, 2600],
  },
  expectError:
    /upstream prematurely closed connection|Connection reset by peer\) while reading response header/,
  referenceFix: [
    {
      file: 'nginx.conf',
      find: 'keepalive 16;',
      replace: 'keepalive 16;\n        keepalive_timeout 1s;',
    },
  ],
};

export default scenario;
