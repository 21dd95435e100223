import type { Scenario } from '../../lib/scenario.ts';

/**
 * 2 MiB uploads against nginx's default client_max_body_size of 1m: nginx refuses them with
 * 413 ("client intended to send too large body") before the app sees anything.
 */
const scenario: Scenario = {
  id: 'body-limit',
  title: '2 MiB POSTs vs client_max_body_size 1m (default)',
  expectedCause: 'body-limit',
  quick: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: {
    requests: 20,
    seconds: 15,
    concurrency: 2,
    keepAlive: false,
    method: 'POST',
    paths: ['/echo'],
    bodyBytes: 2 * 1024 * 1024,
  },
  failStatuses: [413, 502, 504],
  expectError: /client intended to send too large body/,
  referenceFix: [
    {
      file: 'nginx.conf',
      find: 'location / {',
      replace: 'location / {\n            client_max_body_size 10m;',
    },
  ],
};

export default scenario;
