/**
 * gunicorn's settings that matter for a proxied request path: config-file name, command-line
 * flags, default and the versions the default holds for (checked against the settings
 * reference of gunicorn 20.1 to 23.0; none of these defaults changed in that range).
 */
import type { DefaultRow } from './text.ts';

export interface GunicornSettingDef {
  name: string;
  flags: string[];
  /** Flag takes no value (store_true). */
  flag?: boolean;
  /** May be given several times (append). */
  multi?: boolean;
  def: DefaultRow;
}

const H = 'gunicorn 19.x–23.x';
const d = (value: string | null, holds = H): DefaultRow => ({ value, holds });

export const GUNICORN_SETTINGS: GunicornSettingDef[] = [
  { name: 'config', flags: ['-c', '--config'], def: d('./gunicorn.conf.py', 'gunicorn 19.7–23.x') },
  {
    name: 'bind',
    flags: ['-b', '--bind'],
    multi: true,
    def: d('127.0.0.1:8000 (0.0.0.0:$PORT when PORT is set)'),
  },
  { name: 'backlog', flags: ['--backlog'], def: d('2048') },
  { name: 'workers', flags: ['-w', '--workers'], def: d('1 ($WEB_CONCURRENCY when set)') },
  { name: 'worker_class', flags: ['-k', '--worker-class'], def: d('sync') },
  { name: 'threads', flags: ['--threads'], def: d('1') },
  { name: 'worker_connections', flags: ['--worker-connections'], def: d('1000') },
  { name: 'max_requests', flags: ['--max-requests'], def: d('0') },
  { name: 'max_requests_jitter', flags: ['--max-requests-jitter'], def: d('0') },
  { name: 'timeout', flags: ['-t', '--timeout'], def: d('30') },
  { name: 'graceful_timeout', flags: ['--graceful-timeout'], def: d('30') },
  { name: 'keepalive', flags: ['--keep-alive'], def: d('2') },
  { name: 'limit_request_line', flags: ['--limit-request-line'], def: d('4094') },
  { name: 'limit_request_fields', flags: ['--limit-request-fields'], def: d('100') },
  {
    name: 'limit_request_field_size',
    flags: ['--limit-request-field_size', '--limit-request-field-size'],
    def: d('8190'),
  },
  { name: 'reload', flags: ['--reload'], flag: true, def: d('false') },
  { name: 'preload_app', flags: ['--preload'], flag: true, def: d('false') },
  { name: 'reuse_port', flags: ['--reuse-port'], flag: true, def: d('false') },
  { name: 'daemon', flags: ['-D', '--daemon'], flag: true, def: d('false') },
  { name: 'proxy_protocol', flags: ['--proxy-protocol'], flag: true, def: d('false') },
  { name: 'capture_output', flags: ['--capture-output'], flag: true, def: d('false') },
  { name: 'sendfile', flags: ['--no-sendfile'], flag: true, def: d('true') },
  { name: 'check_config', flags: ['--check-config'], flag: true, def: d('false') },
  {
    name: 'print_config',
    flags: ['--print-config'],
    flag: true,
    def: d('false', 'gunicorn 20.1–23.x'),
  },
  { name: 'spew', flags: ['--spew'], flag: true, def: d('false') },
  {
    name: 'enable_stdio_inheritance',
    flags: ['-R', '--enable-stdio-inheritance'],
    flag: true,
    def: d('false'),
  },
  { name: 'worker_tmp_dir', flags: ['--worker-tmp-dir'], def: d(null) },
  { name: 'forwarded_allow_ips', flags: ['--forwarded-allow-ips'], def: d('127.0.0.1') },
  { name: 'proxy_allow_ips', flags: ['--proxy-allow-from'], def: d('127.0.0.1') },
  { name: 'accesslog', flags: ['--access-logfile'], def: d(null) },
  { name: 'errorlog', flags: ['--error-logfile', '--log-file'], def: d('-') },
  { name: 'loglevel', flags: ['--log-level'], def: d('info') },
  {
    name: 'access_log_format',
    flags: ['--access-logformat'],
    def: d('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'),
  },
  { name: 'logger_class', flags: ['--logger-class'], def: d('gunicorn.glogging.Logger') },
  { name: 'log_config', flags: ['--log-config'], def: d(null) },
  { name: 'statsd_host', flags: ['--statsd-host'], def: d(null) },
  { name: 'proc_name', flags: ['-n', '--name'], def: d(null) },
  { name: 'pidfile', flags: ['-p', '--pid'], def: d(null) },
  { name: 'user', flags: ['-u', '--user'], def: d(null) },
  { name: 'group', flags: ['-g', '--group'], def: d(null) },
  { name: 'umask', flags: ['-m', '--umask'], def: d('0') },
  { name: 'chdir', flags: ['--chdir'], def: d(null) },
  { name: 'pythonpath', flags: ['--pythonpath'], def: d(null) },
  { name: 'paste', flags: ['--paste', '--paster'], def: d(null) },
  { name: 'raw_env', flags: ['-e', '--env'], multi: true, def: d(null) },
  { name: 'certfile', flags: ['--certfile'], def: d(null) },
  { name: 'keyfile', flags: ['--keyfile'], def: d(null) },
  { name: 'ca_certs', flags: ['--ca-certs'], def: d(null) },
  { name: 'wsgi_app', flags: [], def: d(null, 'gunicorn 20.1–23.x') },
  {
    name: 'control_socket_disable',
    flags: ['--no-control-socket'],
    flag: true,
    def: d('false', 'gunicorn releases with the control socket'),
  },
];

/** Settings that may only be named in a config file (no flag), still known to gunicorn. */
export const CONFIG_ONLY = new Set([
  'wsgi_app',
  'on_starting',
  'on_reload',
  'when_ready',
  'pre_fork',
  'post_fork',
  'post_worker_init',
  'worker_int',
  'worker_abort',
  'pre_exec',
  'pre_request',
  'post_request',
  'child_exit',
  'worker_exit',
  'nworkers_changed',
  'on_exit',
  'ssl_context',
  'secure_scheme_headers',
  'forwarder_headers',
  'header_map',
  'strip_header_spaces',
  'permit_unconventional_http_method',
  'permit_unconventional_http_version',
  'casefold_http_method',
  'tmp_upload_dir',
  'initgroups',
  'disable_redirect_access_to_syslog',
  'syslog',
  'syslog_addr',
  'syslog_prefix',
  'syslog_facility',
  'enable_stdio_inheritance',
  'dogstatsd_tags',
  'statsd_prefix',
  'ssl_version',
  'cert_reqs',
  'suppress_ragged_eofs',
  'do_handshake_on_connect',
  'ciphers',
  'raw_paste_global_conf',
  'logconfig_dict',
  'logconfig_json',
  'reload_engine',
  'reload_extra_files',
  'is_ssl',
  'do_not_use',
  'threads',
  'control_socket',
  'control_socket_mode',
]);

export const BY_NAME = new Map(GUNICORN_SETTINGS.map((s) => [s.name, s]));
export const BY_FLAG = new Map(
  GUNICORN_SETTINGS.flatMap((s) => s.flags.map((f) => [f, s] as const)),
);

/** Whether `name` is a setting gunicorn reads from a config file (others are plain variables). */
export function isGunicornSetting(name: string): boolean {
  return BY_NAME.has(name) || CONFIG_ONLY.has(name);
}
