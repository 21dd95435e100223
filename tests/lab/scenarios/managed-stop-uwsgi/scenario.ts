import type { Scenario } from '../../lib/scenario.ts';

/**
 * supervisord stops uWSGI while requests run: it sends SIGTERM, on which uWSGI 2.0 (without
 * die-on-term or a graceful hook) reloads brutally — its workers are killed mid-request and it
 * goes on running — so supervisord SIGKILLs it after stopwaitsecs. Every request in flight at
 * the stop fails (nginx: "upstream prematurely closed connection", 502).
 *
 * The load is four 3-second requests started together; the stop comes 1 s into them. Only
 * requests already running are asked of the fix (a stopped server refuses new ones whatever
 * its config: that is the restart's story, graceful-restart). Expected: deploy-termination,
 * whose fix adds `hook-master-start = unix_signal:15 gracefully_kill_them_all` to uwsgi.ini and
 * raises stopwaitsecs above uWSGI's 60 s worker-reload-mercy; then the four requests finish.
 */
const scenario: Scenario = {
  id: 'managed-stop-uwsgi',
  title: 'supervisord stops uWSGI (SIGTERM = brutal reload) with requests in flight',
  expectedCause: 'deploy-termination',
  // Deterministic (every request in flight fails before, none after) and 16 s long.
  quick: true,
  files: ['nginx.conf', 'supervisord.conf', 'uwsgi.ini'],
  app: { kind: 'supervisord', config: 'supervisord.conf', log: 'logs/supervisord.log' },
  load: {
    requests: 4,
    seconds: 5,
    concurrency: 4,
    keepAlive: false,
    paths: ['/slow?s=3'],
    timeoutMs: 30_000,
  },
  during: async (lab) => {
    await lab.sleep(1000);
    await lab.exec('/usr/bin/supervisorctl', ['-c', 'supervisord.conf', 'stop', 'shop']);
  },
  expectError: /upstream prematurely closed connection while reading response header/,
  referenceFix: [
    {
      file: 'uwsgi.ini',
      find: 'logto =',
      replace: 'hook-master-start = unix_signal:15 gracefully_kill_them_all\nlogto =',
    },
    { file: 'supervisord.conf', find: 'stopwaitsecs=5', replace: 'stopwaitsecs=65' },
  ],
};

export default scenario;
