import type { Scenario } from '../../lib/scenario.ts';

/**
 * The balancer → nginx race: an ALB (main.tf, idle_timeout 15 s; played by HAProxy with
 * `http-reuse always`) reuses idle connections to nginx, which closes them after its
 * keepalive_timeout of 5 s. Across the 10 ms wire, a request sent as nginx's FIN is on its way
 * meets a closed connection. nginx logs nothing; HAProxy, unlike an ALB (502), passes the
 * broken connection on to the client as a reset so a browser may retry — both count.
 */
const scenario: Scenario = {
  id: 'keepalive-race-front',
  title: 'load balancer idle timeout 15 s vs nginx keepalive_timeout 5 s',
  expectedCause: 'keepalive-race',
  quick: false,
  random: true,
  files: ['nginx.conf', 'main.tf', 'server.mjs'],
  front: { config: 'haproxy.cfg', wireDelayMs: 10 },
  app: { kind: 'node', config: 'server.mjs' },
  load: {
    requests: 600,
    seconds: 45,
    concurrency: 32,
    burst: true,
    burstSpreadMs: 60,
    keepAlive: true,
    method: 'POST',
    paths: ['/echo'],
    bodyBytes: 512,
    gapMs: [4975, 5010],
  },
  referenceFix: [
    { file: 'nginx.conf', find: 'keepalive_timeout 5s;', replace: 'keepalive_timeout 20s;' },
  ],
};

export default scenario;
