/**
 * hypercorn's settings: the names its `Config` and TOML files use, the command-line flags that
 * set them (argparse: `--keep-alive 5`, `--keep-alive=5`, `-w 4`), and the defaults of
 * hypercorn/config.py. keep_alive_timeout 5 s and graceful_timeout 3 s hold from 0.11 (Debian
 * 12 ships 0.13.2) to 0.17; max_requests (restarting a worker after that many requests) and
 * keep_alive_max_requests came in 0.16.0. Only settings that change what a proxied request meets
 * carry a meaning here; the rest are listed so a command line reads without false errors.
 */
import type { DefaultRow } from '../gunicorn/text.ts';

export interface HypercornSettingDef {
  /** As `Config` and a TOML file name it. */
  name: string;
  flags: string[];
  switch?: boolean;
  def: DefaultRow;
}

const H = 'hypercorn 0.11–0.17';
const s = (
  name: string,
  flags: string[],
  value: string | null,
  holds = H,
  sw = false,
): HypercornSettingDef => ({ name, flags, def: { value, holds }, ...(sw ? { switch: true } : {}) });

export const HYPERCORN_SETTINGS: HypercornSettingDef[] = [
  s('bind', ['-b', '--bind'], '127.0.0.1:8000'),
  s('insecure_bind', ['--insecure-bind'], null),
  s('quic_bind', ['--quic-bind'], null),
  s('workers', ['-w', '--workers'], '1'),
  s('worker_class', ['-k', '--worker-class'], 'asyncio'),
  s('keep_alive_timeout', ['--keep-alive'], '5'),
  s('graceful_timeout', ['--graceful-timeout'], '3'),
  // Seconds a read from the client may wait; idle keep-alive time counts, so a shorter one
  // closes idle connections first. None: no limit.
  s('read_timeout', ['--read-timeout'], null),
  s('max_requests', ['--max-requests'], null, 'hypercorn 0.16–0.17 (no limit)'),
  s('max_requests_jitter', ['--max-requests-jitter'], '0', 'hypercorn 0.16–0.17'),
  s('keep_alive_max_requests', [], '1000', 'hypercorn 0.16–0.17'),
  s('backlog', ['--backlog'], '100'),
  s('shutdown_timeout', [], '60'),
  s('startup_timeout', [], '60'),
  s('h11_max_incomplete_size', [], '16384'),
  s('certfile', ['--certfile'], null),
  s('keyfile', ['--keyfile'], null),
  s('keyfile_password', ['--keyfile-password'], null),
  s('ca_certs', ['--ca-certs'], null),
  s('cert_reqs', ['--cert-reqs'], null),
  s('ciphers', ['--ciphers'], 'ECDHE+AESGCM'),
  s('verify_mode', ['--verify-mode'], null),
  s('config', ['-c', '--config'], null),
  s('accesslog', ['--access-logfile', '--access-log'], null),
  s('access_log_format', ['--access-logformat'], null),
  s('errorlog', ['--error-logfile', '--log-file', '--error-log'], '-'),
  s('logconfig', ['--log-config'], null),
  s('loglevel', ['--log-level'], 'INFO'),
  s('pid_path', ['-p', '--pid'], null),
  s('root_path', ['--root-path'], ''),
  s('server_names', ['--server-name'], null),
  s('statsd_host', ['--statsd-host'], null),
  s('statsd_prefix', ['--statsd-prefix'], ''),
  s('umask', ['-m', '--umask'], null),
  s('user', ['-u', '--user'], null),
  s('group', ['-g', '--group'], null),
  s('websocket_ping_interval', ['--websocket-ping-interval'], null),
  s('debug', ['--debug'], 'false', H, true),
  s('use_reloader', ['--reload'], 'false', H, true),
];

export const BY_FLAG = new Map(HYPERCORN_SETTINGS.flatMap((d) => d.flags.map((f) => [f, d])));
export const BY_NAME = new Map(HYPERCORN_SETTINGS.map((d) => [d.name, d]));
