import type { Scenario } from '../../lib/scenario.ts';

/**
 * uvicorn (Debian's python3-uvicorn, started from a Procfile as a platform would) closes idle
 * keep-alive connections after 5 s (--timeout-keep-alive default); nginx keeps them pooled for
 * 60 s. POSTs after idle gaps just over 5 s take a connection uvicorn is closing; nginx does
 * not retry them. The lab's WSGI app runs under `--interface wsgi`.
 */
const scenario: Scenario = {
  id: 'keepalive-race-uvicorn',
  title: "uvicorn's --timeout-keep-alive 5 s vs nginx upstream pool (60 s)",
  expectedCause: 'keepalive-race',
  quick: false,
  random: true,
  files: ['nginx.conf', 'Procfile'],
  app: { kind: 'uvicorn', config: 'Procfile', log: 'logs/uvicorn-stdout.log' },
  load: {
    requests: 600,
    seconds: 45,
    concurrency: 16,
    burst: true,
    burstSpreadMs: 60,
    keepAlive: true,
    method: 'POST',
    paths: ['/echo', '/cpu?ms=20'],
    bodyBytes: 512,
    gapMs: [4975, 4998],
  },
  expectError:
    /upstream prematurely closed connection|Connection reset by peer\) while reading response header/,
  referenceFix: [
    {
      file: 'nginx.conf',
      find: 'keepalive 16;',
      replace: 'keepalive 16;\n        keepalive_timeout 4s;',
    },
  ],
};

export default scenario;
