import type { Scenario } from '../../lib/scenario.ts';

/**
 * nginx's `uwsgi_pass` sends the uwsgi binary protocol; uWSGI's `http-socket` parses HTTP.
 * Every request fails with a 502.
 */
const scenario: Scenario = {
  id: 'protocol-mismatch-uwsgi',
  title: 'uwsgi_pass to a uWSGI http-socket',
  expectedCause: 'protocol-mismatch',
  quick: true,
  files: ['nginx.conf', 'uwsgi.ini'],
  app: { kind: 'uwsgi', config: 'uwsgi.ini', log: 'logs/uwsgi.log' },
  // Each request hangs ~4 s before uWSGI drops it: a few are enough to prove 100 %.
  load: { requests: 20, seconds: 6, concurrency: 2, keepAlive: true, paths: ['/fast'] },
  expectError: /upstream prematurely closed connection while reading response header/,
  referenceFix: [{ file: 'uwsgi.ini', find: 'http-socket =', replace: 'socket =' }],
};

export default scenario;
