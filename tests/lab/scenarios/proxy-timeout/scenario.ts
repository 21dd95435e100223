import type { Scenario } from '../../lib/scenario.ts';

/**
 * 504, not 502: a 5 s endpoint behind `proxy_read_timeout 2s`. nginx logs "upstream timed
 * out (110: Connection timed out) while reading response header from upstream".
 */
const scenario: Scenario = {
  id: 'proxy-timeout',
  title: 'proxy_read_timeout 2 s vs a 5 s endpoint (504)',
  expectedCause: 'proxy-timeout',
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
  expectError: /upstream timed out \(110: Connection timed out\) while reading response header/,
  referenceFix: [
    { file: 'nginx.conf', find: 'proxy_read_timeout 2s;', replace: 'proxy_read_timeout 30s;' },
  ],
};

export default scenario;
