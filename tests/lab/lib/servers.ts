/**
 * Starting the real servers from rendered configs in a scenario's run directory.
 *
 * Each server runs in the foreground as its own process group (procs.ts) with every path
 * inside the run directory: nginx gets `-p DIR -e …` because Debian's build otherwise
 * opens /var/log/nginx and /var/lib/nginx; gunicorn and uWSGI take everything from their
 * config file, so the file the CLI reads is exactly what ran.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGroup, type Group } from './procs.ts';
import { waitForListen } from './net.ts';

/** Debian's interpreter: the python3 on PATH may be another one without gunicorn. */
export const PYTHON = '/usr/bin/python3';
export const NGINX = '/usr/sbin/nginx';
export const UWSGI = '/usr/bin/uwsgi';
export const SUPERVISORD = '/usr/bin/supervisord';
export const HAPROXY = '/usr/sbin/haproxy';
const WIRE = fileURLToPath(new URL('../app/wire.mjs', import.meta.url));

/** `supervisord`: the config is supervisord's, and the program it runs is the app server. */
export type AppKind = 'gunicorn' | 'uwsgi' | 'node' | 'uvicorn' | 'supervisord';

export interface Running {
  group: Group;
  /** What readiness waited for: a port or a unix socket path. */
  target: number | string;
}

/** The tools a lab run needs, with what is missing (so the runner can skip with a reason). */
export function missingTools(): string[] {
  const checks: [string, string[]][] = [
    [NGINX, ['-v']],
    [PYTHON, ['-c', 'import gunicorn']],
    [`${PYTHON} (uvicorn)`, ['-c', 'import uvicorn']],
    [UWSGI, ['--plugin', 'python3', '--version']],
    [SUPERVISORD, ['--version']],
    [HAPROXY, ['-v']],
    ['patch', ['--version']],
  ];
  return checks
    .filter(
      ([cmd, args]) =>
        spawnSync(cmd.split(' ')[0]!, args, { stdio: 'ignore', timeout: 10_000 }).status !== 0,
    )
    .map(([cmd]) => cmd);
}

/** `nginx -t` on the rendered config: a clear error instead of a server that never listens. */
export function nginxTest(dir: string, conf: string): string | null {
  const r = spawnSync(
    NGINX,
    ['-t', '-q', '-p', dir, '-c', join(dir, conf), '-e', join(dir, 'logs', 'nginx-t.log')],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  return r.status === 0 ? null : (r.stderr || r.stdout || `nginx -t exited ${r.status}`).trim();
}

export async function startNginx(dir: string, conf: string, port: number): Promise<Running> {
  const err = nginxTest(dir, conf);
  if (err) throw new Error(`nginx -t failed for ${conf}: ${err}`);
  const group = startGroup(
    'nginx',
    NGINX,
    [
      '-p',
      dir,
      '-c',
      join(dir, conf),
      '-e',
      join(dir, 'logs', 'nginx-stderr.log'),
      '-g',
      'daemon off;',
    ],
    { cwd: dir, logFile: join(dir, 'logs', 'nginx-stdout.log') },
  );
  await waitForListen(port, 'nginx', 10_000, () => !group.done);
  return { group, target: port };
}

/**
 * Start the app server of `kind` from `conf` (in `dir`), waiting until `target` (its port or
 * socket path) accepts connections. stdout/stderr go to logs/<kind>-stdout.log; the
 * server's own log file is whatever its config names.
 */
export async function startApp(
  kind: AppKind,
  dir: string,
  conf: string,
  target: number | string,
): Promise<Running> {
  const logFile = join(dir, 'logs', `${kind}-stdout.log`);
  let group: Group;
  if (kind === 'gunicorn') {
    group = startGroup('gunicorn', PYTHON, ['-m', 'gunicorn', '-c', join(dir, conf)], {
      cwd: dir,
      logFile,
    });
  } else if (kind === 'uwsgi') {
    group = startGroup('uwsgi', UWSGI, ['--ini', join(dir, conf)], { cwd: dir, logFile });
  } else if (kind === 'supervisord') {
    // In the foreground (-n), so its program runs in the same process group.
    group = startGroup('supervisord', SUPERVISORD, ['-n', '-c', join(dir, conf)], {
      cwd: dir,
      logFile,
    });
  } else if (kind === 'uvicorn') {
    // The Procfile's command as a platform runs it, with Debian's interpreter.
    const line = /\buvicorn\s+(.*)$/m.exec(readFileSync(join(dir, conf), 'utf8'));
    if (!line) throw new Error(`${conf} has no uvicorn command`);
    group = startGroup('uvicorn', PYTHON, ['-m', 'uvicorn', ...line[1]!.trim().split(/\s+/)], {
      cwd: dir,
      logFile,
    });
  } else {
    if (typeof target !== 'number') throw new Error('the node server listens on a port');
    group = startGroup('node', process.execPath, [join(dir, conf), String(target)], {
      cwd: dir,
      logFile,
    });
  }
  await waitForListen(target, kind, 20_000, () => !group.done);
  return { group, target };
}

/**
 * The front of a scenario with one: the wire (latency) to nginx, then HAProxy listening on
 * `frontPort` and sending to the wire. HAProxy runs in the foreground (-db) and logs to stdout.
 */
export async function startFront(
  dir: string,
  conf: string,
  ports: { front: number; wire: number; nginx: number },
  wireDelayMs: number,
): Promise<Running[]> {
  const wire = startGroup(
    'wire',
    process.execPath,
    [WIRE, String(ports.wire), String(ports.nginx), String(wireDelayMs)],
    { cwd: dir, logFile: join(dir, 'logs', 'wire-stdout.log') },
  );
  await waitForListen(ports.wire, 'wire', 10_000, () => !wire.done);
  const check = spawnSync(HAPROXY, ['-c', '-q', '-f', join(dir, conf)], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (check.status !== 0)
    throw new Error(`haproxy -c failed for ${conf}: ${check.stdout}${check.stderr}`);
  const haproxy = startGroup('haproxy', HAPROXY, ['-db', '-f', join(dir, conf)], {
    cwd: dir,
    logFile: join(dir, 'logs', 'haproxy-stdout.log'),
  });
  await waitForListen(ports.front, 'haproxy', 10_000, () => !haproxy.done);
  return [
    { group: wire, target: ports.wire },
    { group: haproxy, target: ports.front },
  ];
}
