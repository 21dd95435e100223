import type { Scenario } from '../../lib/scenario.ts';

/**
 * A deploy that stops gunicorn (SIGTERM: graceful, but the listening socket closes at once)
 * and starts it again: requests arriving in between are refused and nginx answers 502.
 * A configuration edit cannot fix this; the advice is to reload in place (SIGHUP: the master
 * keeps the socket and replaces its workers) or to drain nginx before stopping the app.
 * The "after" run performs that advice under the same load.
 *
 * Expected cause: deploy-termination (the restart itself). backend-down also holds — nothing
 * listened for ~1 s — and the CLI lists it second; before 09:10 it ranked it first.
 */
const scenario: Scenario = {
  id: 'graceful-restart',
  title: 'gunicorn stopped and started again during load',
  expectedCause: 'deploy-termination',
  quick: false,
  files: ['nginx.conf', 'gunicorn.conf.py'],
  app: { kind: 'gunicorn', config: 'gunicorn.conf.py', log: 'logs/gunicorn.log' },
  // Paced (10 ms gaps) so the load outlasts the restart at 2 s on a fast or a slow machine.
  load: {
    requests: 3000,
    seconds: 8,
    concurrency: 4,
    keepAlive: true,
    paths: ['/fast'],
    gapMs: 10,
  },
  during: async (lab) => {
    await lab.sleep(2000);
    await lab.stopApp('SIGTERM', 10_000);
    await lab.startApp();
  },
  advice: {
    text: 'reload with SIGHUP instead of stop + start',
    duringAfter: async (lab) => {
      await lab.sleep(2000);
      lab.signalApp('SIGHUP');
    },
  },
  expectError: /connect\(\) failed \(111: Connection refused\)/,
};

export default scenario;
