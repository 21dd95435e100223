import type { Scenario } from '../../lib/scenario.ts';

/**
 * uWSGI's `harakiri = 3` kills a worker whose request runs longer than 3 s; nginx, willing to
 * wait 60 s (uwsgi_read_timeout), loses the connection mid-request and answers 502.
 */
const scenario: Scenario = {
  id: 'app-timeout-uwsgi',
  title: 'uWSGI harakiri 3 s < uwsgi_read_timeout 60 s on /slow',
  expectedCause: 'app-timeout',
  quick: false,
  files: ['nginx.conf', 'uwsgi.ini'],
  app: { kind: 'uwsgi', config: 'uwsgi.ini', log: 'logs/uwsgi.log' },
  load: {
    requests: 16,
    seconds: 25,
    concurrency: 2,
    keepAlive: false,
    paths: ['/slow?s=5', '/fast', '/fast', '/fast'],
    timeoutMs: 20_000,
  },
  expectError: /upstream prematurely closed connection while reading response header/,
  referenceFix: [{ file: 'uwsgi.ini', find: 'harakiri = 3', replace: 'harakiri = 75' }],
};

export default scenario;
