import type { Scenario } from '../../lib/scenario.ts';

/**
 * A 6 KB Cookie header (session data, analytics) fits nginx's 8k header buffers but not
 * uWSGI's default 4 KB buffer-size: uWSGI logs "invalid request block size" and drops the
 * connection, nginx answers 502 on every such request.
 */
const scenario: Scenario = {
  id: 'header-size-uwsgi',
  title: 'uWSGI buffer-size 4096 vs a 6 KB Cookie',
  expectedCause: 'header-size',
  quick: true,
  files: ['nginx.conf', 'uwsgi.ini'],
  app: { kind: 'uwsgi', config: 'uwsgi.ini', log: 'logs/uwsgi.log' },
  load: {
    requests: 40,
    seconds: 15,
    concurrency: 2,
    keepAlive: true,
    paths: ['/cookie', '/fast'],
    headers: { cookie: `session=${'s'.repeat(6000)}` },
  },
  expectError: /upstream prematurely closed connection|Connection reset by peer/,
  referenceFix: [{ file: 'uwsgi.ini', find: 'socket =', replace: 'buffer-size = 32768\nsocket =' }],
};

export default scenario;
