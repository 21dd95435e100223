import type { Scenario } from '../../lib/scenario.ts';

/**
 * nginx proxies to run/app.sock, gunicorn binds run/gunicorn.sock: connect() fails with
 * ENOENT and every request is a 502.
 */
const scenario: Scenario = {
  id: 'address-mismatch-socket',
  title: 'nginx unix socket path vs gunicorn bind',
  expectedCause: 'address-mismatch',
  quick: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  load: { requests: 20, seconds: 10, concurrency: 2, keepAlive: true, paths: ['/fast'] },
  expectError: /connect\(\) to unix:.* failed \(2: No such file or directory\)/,
  referenceFix: [{ file: 'gunicorn.conf.py', find: 'run/gunicorn.sock', replace: 'run/app.sock' }],
};

export default scenario;
