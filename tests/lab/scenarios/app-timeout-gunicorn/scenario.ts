import type { Scenario } from '../../lib/scenario.ts';

/**
 * A slow endpoint (5 s) behind gunicorn sync workers with `timeout = 3`: the master kills
 * the worker mid-request ("WORKER TIMEOUT"), nginx sees the connection close before any
 * response header and answers 502, although its own proxy_read_timeout (60 s) was fine.
 */
const scenario: Scenario = {
  id: 'app-timeout-gunicorn',
  title: 'gunicorn sync timeout 3 s < proxy_read_timeout 60 s on /slow',
  expectedCause: 'app-timeout',
  quick: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: {
    requests: 8,
    seconds: 25,
    concurrency: 2,
    keepAlive: false,
    paths: ['/slow?s=5', '/fast', '/fast', '/fast'],
    timeoutMs: 20_000,
  },
  expectError: /upstream prematurely closed connection while reading response header/,
  referenceFix: [{ file: 'gunicorn.conf.py', find: 'timeout = 3', replace: 'timeout = 75' }],
};

export default scenario;
