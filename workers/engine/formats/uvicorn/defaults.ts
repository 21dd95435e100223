/**
 * uvicorn's settings (its click command line; `uvicorn.run()` takes the same names as keyword
 * arguments; every option may also come from `UVICORN_<NAME>` in the environment, below the
 * command line). Defaults as uvicorn's settings reference gives them; `timeout_keep_alive`
 * has been 5 s since uvicorn's first releases. Only options that change what a proxied request
 * meets carry a meaning here; the rest are listed so a command line reads without false errors.
 */
import type { DefaultRow } from '../gunicorn/text.ts';

export interface UvicornSettingDef {
  /** As `uvicorn.run()` names it. */
  name: string;
  flag: string;
  /** A switch (`--reload`); `off` is its negative form (`--no-proxy-headers`). */
  switch?: boolean;
  off?: string;
  def: DefaultRow;
}

const H = 'uvicorn 0.x';
const d = (value: string | null, holds = H): DefaultRow => ({ value, holds });
const opt = (name: string, value: string | null, holds = H): UvicornSettingDef => ({
  name,
  flag: `--${name.replace(/_/g, '-')}`,
  def: d(value, holds),
});
const sw = (name: string, value: boolean, off = false): UvicornSettingDef => ({
  ...opt(name, String(value)),
  switch: true,
  ...(off ? { off: `--no-${name.replace(/_/g, '-')}` } : {}),
});

export const UVICORN_SETTINGS: UvicornSettingDef[] = [
  opt('host', '127.0.0.1'),
  opt('port', '8000'),
  opt('uds', null),
  opt('fd', null),
  opt('workers', '1 ($WEB_CONCURRENCY when set)'),
  opt('timeout_keep_alive', '5'),
  // None: on SIGTERM uvicorn waits for open connections and tasks without a limit.
  opt('timeout_graceful_shutdown', null, 'uvicorn 0.23–0.x (no limit)'),
  opt('limit_max_requests', null),
  opt('limit_max_requests_jitter', '0', 'uvicorn 0.37–0.x'),
  opt('limit_concurrency', null),
  opt('backlog', '2048'),
  opt('timeout_worker_healthcheck', '5', 'uvicorn 0.35–0.x'),
  sw('proxy_headers', true, true),
  opt('forwarded_allow_ips', '127.0.0.1 ($FORWARDED_ALLOW_IPS when set)'),
  opt('root_path', ''),
  opt('app_dir', '.'),
  sw('factory', false),
  sw('reload', false),
  opt('reload_dir', null),
  opt('reload_include', null),
  opt('reload_exclude', null),
  opt('reload_delay', '0.25'),
  opt('env_file', null),
  opt('log_config', null),
  opt('log_level', 'info'),
  sw('access_log', true, true),
  sw('use_colors', true, true),
  sw('server_header', true, true),
  sw('date_header', true, true),
  opt('header', null),
  opt('loop', 'auto'),
  opt('http', 'auto'),
  opt('ws', 'auto'),
  opt('ws_max_size', '16777216'),
  opt('ws_max_queue', '32'),
  opt('ws_ping_interval', '20.0'),
  opt('ws_ping_timeout', '20.0'),
  sw('ws_per_message_deflate', true),
  opt('lifespan', 'auto'),
  opt('interface', 'auto'),
  opt('h11_max_incomplete_event_size', '16384'),
  opt('ssl_keyfile', null),
  opt('ssl_certfile', null),
  opt('ssl_keyfile_password', null),
  opt('ssl_version', null),
  opt('ssl_cert_reqs', '0'),
  opt('ssl_ca_certs', null),
  opt('ssl_ciphers', 'TLSv1'),
  sw('reset_contextvars', false),
  sw('version', false),
];

export const BY_FLAG = new Map<string, { def: UvicornSettingDef; negative: boolean }>(
  UVICORN_SETTINGS.flatMap((def) => [
    [def.flag, { def, negative: false }] as const,
    ...(def.off ? [[def.off, { def, negative: true }] as const] : []),
  ]),
);
export const BY_NAME = new Map(UVICORN_SETTINGS.map((def) => [def.name, def]));

/** `UVICORN_TIMEOUT_KEEP_ALIVE` → `timeout_keep_alive` (click's auto_envvar_prefix). */
export function envSetting(variable: string): UvicornSettingDef | undefined {
  const m = /^UVICORN_([A-Z0-9_]+)$/.exec(variable);
  return m ? BY_NAME.get(m[1]!.toLowerCase()) : undefined;
}

/** Variables without the prefix that uvicorn reads too, below any UVICORN_ one. */
const PLAIN_ENV: Readonly<Record<string, string>> = {
  WEB_CONCURRENCY: 'workers',
  FORWARDED_ALLOW_IPS: 'forwarded_allow_ips',
};

/**
 * The setting a variable gives uvicorn, and whether it is a UVICORN_ one (which wins); null for
 * a variable uvicorn does not read.
 */
export function envTarget(variable: string): { name: string; prefixed: boolean } | null {
  const prefixed = envSetting(variable);
  if (prefixed) return { name: prefixed.name, prefixed: true };
  const plain = PLAIN_ENV[variable];
  return plain ? { name: plain, prefixed: false } : null;
}
