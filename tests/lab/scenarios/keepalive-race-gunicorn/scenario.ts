import type { Scenario } from '../../lib/scenario.ts';

/**
 * gunicorn gthread closes idle keep-alive connections after 2 s; nginx keeps them pooled for
 * 60 s. A request that nginx writes to a pooled connection as gunicorn closes it fails, and
 * nginx does not retry a POST (non-idempotent) on another connection: the client gets 502.
 * Clients idle about 2 s between POSTs so the pooled connection's age lands on that edge.
 */
const scenario: Scenario = {
  id: 'keepalive-race-gunicorn',
  title: 'gthread keepalive 2 s vs nginx upstream pool (60 s)',
  expectedCause: 'keepalive-race',
  quick: false,
  random: true,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: {
    kind: 'gunicorn',
    config: 'gunicorn.conf.py',

    log: 'logs/gunicorn.log',
  },
  load: {
    requests: 400,
    seconds: 30,
    // 12 lockstep clients, each burst spread over 30 ms: 1–10 % failed with 8 unspread
    // clients, 10–14 % with these (NOTES.md).
    concurrency: 12,
    burst: true,
    burstSpreadMs: 30,
    keepAlive: true,
    method: 'POST',
    paths: ['/echo', '/cpu?ms=20'],
    bodyBytes: 512,
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
