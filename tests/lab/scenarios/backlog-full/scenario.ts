import type { Scenario } from '../../lib/scenario.ts';

/**
 * A unix socket's listen queue is its backlog: when it is full, connect() fails at once with
 * EAGAIN ("(11: Resource temporarily unavailable) while connecting to upstream") instead of
 * waiting, as TCP would. One busy sync worker and `backlog = 4` under 16 concurrent clients.
 */
const scenario: Scenario = {
  id: 'backlog-full',
  title: 'gunicorn backlog 4 on a unix socket, 16 concurrent clients',
  expectedCause: 'backlog-full',
  quick: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: {
    requests: 80,
    seconds: 20,
    concurrency: 16,
    keepAlive: true,
    paths: ['/slow?s=0.05'],
  },
  expectError: /\(11: Resource temporarily unavailable\) while connecting to upstream/,
  referenceFix: [{ file: 'gunicorn.conf.py', find: 'backlog = 4', replace: 'backlog = 2048' }],
};

export default scenario;
