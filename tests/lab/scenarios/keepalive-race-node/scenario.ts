import type { Scenario } from '../../lib/scenario.ts';

/**
 * Node's http server closes idle keep-alive connections after 5 s (keepAliveTimeout default);
 * nginx keeps them pooled for 60 s. POSTs after idle gaps around 5 s take a connection Node
 * is closing; nginx does not retry them.
 */
const scenario: Scenario = {
  id: 'keepalive-race-node',
  title: "Node's keepAliveTimeout 5 s vs nginx upstream pool (60 s)",
  expectedCause: 'keepalive-race',
  quick: false,
  random: true,
  files: ['nginx.conf', 'server.mjs'],
  app: { kind: 'node', config: 'server.mjs' },
  load: {
    requests: 600,
    // 12 clients for 45 s: 8/96 failed; 8 clients: 2/64 to 12/80 (NOTES.md).
    seconds: 45,
    concurrency: 12,
    burst: true,
    burstSpreadMs: 60,
    keepAlive: true,
    method: 'POST',
    paths: ['/echo', '/cpu?ms=20'],
    bodyBytes: 512,
    gapMs: [5880, 6020],
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
