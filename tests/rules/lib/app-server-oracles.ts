/**
 * The real app servers as oracles for fixed configs (Debian packages, skipped when missing):
 * gunicorn reads a Python config the way it does at start (exec, then Config.set with its
 * validators) under /usr/bin/python3; uWSGI judges an ini in strict mode (unknown options are
 * errors); php-fpm prints every pool value it parsed with `-tt`. Files are written into a temp
 * dir, with sockets moved there, so nothing outside it is touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const debianGunicorn =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import gunicorn']).status === 0;
export const UWSGI = existsSync('/usr/bin/uwsgi') ? '/usr/bin/uwsgi' : null;
export const uwsgiVersion = UWSGI
  ? spawnSync(UWSGI, ['--version'], { encoding: 'utf8' }).stdout.trim()
  : '';
export const PHP_FPM =
  ['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'].find((p) => existsSync(p)) ?? null;

export function inTemp<T>(name: string, text: string, run: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'app-oracle-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    return run(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GUNICORN_READ = `
import sys, json
from gunicorn.config import Config
path = sys.argv[1]
ns = {"__file__": path, "__name__": "__config__"}
exec(compile(open(path).read(), path, "exec"), ns)
cfg = Config()
for k, v in ns.items():
    if k in cfg.settings:
        cfg.set(k.lower(), v)
print(json.dumps({k: cfg.settings[k].get() for k in sys.argv[2:]}))
`;

/** The values gunicorn reads for `names` from a config file; throws when it rejects the file. */
export function gunicornReads(text: string, names: string[]): Record<string, unknown> {
  return inTemp('gunicorn.conf.py', text, (path) => {
    const run = spawnSync('/usr/bin/python3', ['-c', GUNICORN_READ, path, ...names], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  });
}

/** What uWSGI prints for an ini in strict mode (with the python3 plugin, as Debian ships it). */
export function uwsgiStrict(text: string, extra: string[] = []): string {
  return inTemp('uwsgi.ini', '', (path, dir) => {
    writeFileSync(path, text.replace(/^(\s*socket\s*=\s*).*$/gm, `$1${join(dir, 'app.sock')}`));
    const run = spawnSync(
      UWSGI!,
      ['--plugins', 'python3', '--strict', '--need-app', '--ini', path, ...extra],
      { encoding: 'utf8', timeout: 20_000, cwd: dir },
    );
    return `${run.stdout}${run.stderr}`;
  });
}

/** php-fpm's own reading of a pool file (`-tt` lists every value); throws when it rejects it. */
export function fpmReads(pool: string): string {
  return inTemp('pool.conf', '', (path, dir) => {
    writeFileSync(path, pool.replace(/^listen = .*$/m, `listen = ${join(dir, 'fpm.sock')}`));
    const main = join(dir, 'main.conf');
    writeFileSync(
      main,
      `[global]\npid = ${join(dir, 'fpm.pid')}\nerror_log = ${join(dir, 'err.log')}\ninclude = ${path}\n`,
    );
    const run = spawnSync(PHP_FPM!, ['-tt', '-y', main], { encoding: 'utf8', timeout: 20_000 });
    if (run.status !== 0) throw new Error(`${run.stdout}${run.stderr}`);
    return `${run.stdout}${run.stderr}`;
  });
}

export const APACHE = existsSync('/usr/sbin/apache2') ? '/usr/sbin/apache2' : null;

/**
 * `apache2 -t` on a config: null when Apache accepts it, else its words. The file runs in a temp
 * dir after a prelude giving it what a whole server needs (an MPM, a pid file, an error log);
 * its own ServerRoot lines are left out, since they name directories of another machine.
 */
export function apacheTest(text: string): string | null {
  return inTemp('httpd.conf', text, (path, dir) => {
    const prelude = [
      `ServerRoot ${dir}`,
      'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
      'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
      `PidFile ${dir}/httpd.pid`,
      `ErrorLog ${dir}/error.log`,
      'ServerName localhost',
    ].join('\n');
    const own = text.replace(/^[ \t]*ServerRoot\b.*$/gim, '');
    writeFileSync(path, `${prelude}\n${own}`);
    const run = spawnSync(APACHE!, ['-t', '-f', path], { encoding: 'utf8', timeout: 20_000 });
    return run.status === 0 ? null : `${run.stderr}${run.stdout}`.trim();
  });
}
