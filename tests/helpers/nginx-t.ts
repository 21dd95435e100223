/**
 * The real oracle: Debian's `nginx -t` on configs the tests produce.
 *
 * Files are written into a fresh temp dir (paths under /etc/nginx/ become relative to it) and
 * validated with `nginx -t -p TMP -c TMP/wrapper.conf`. Snippets are wrapped in the context
 * they were written for (http, server or location, as guessContext() reads them); a main
 * config is used as is. So that only real syntax and semantic errors fail, the copy under test
 * (never the caller's text) is adjusted:
 * - includes: absolute /etc/nginx/… paths become relative; includes that match nothing get
 *   Debian's file of that name (mime.types, fastcgi_params, …) or an empty stub;
 * - ssl_certificate / ssl_certificate_key / … point at a throwaway self-signed pair;
 * - error_log / access_log / pid / user / load_module go to the temp dir or away;
 * - host names in upstream `server` lines and *_pass targets become 127.0.0.1 (nginx -t
 *   resolves them and the test machine knows none of them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import type { Edit } from '../../workers/engine/model.ts';
import {
  buildConfig,
  guessContext,
  parseNginx,
  type NginxFile,
} from '../../workers/engine/formats/nginx/index.ts';

/** The nginx binary: NGINX_T_BIN overrides (empty: behave as if nginx were not installed). */
const override = process.env.NGINX_T_BIN;
export const NGINX_BIN =
  override !== undefined
    ? override || null
    : (['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null);
export const nginxMissing = NGINX_BIN === null;
export const nginxMissingReason =
  'nginx is not installed (apt-get install -y nginx): nginx -t oracle tests skipped';

export interface NginxTestOptions {
  /** Keep the temp dir (for debugging); its path is in the result. */
  keep?: boolean;
}

export interface NginxTestResult {
  ok: boolean;
  output: string;
  dir: string;
}

const CERT_DIRECTIVES = new Set([
  'ssl_certificate',
  'ssl_trusted_certificate',
  'ssl_client_certificate',
  'proxy_ssl_certificate',
  'proxy_ssl_trusted_certificate',
]);
const KEY_DIRECTIVES = new Set(['ssl_certificate_key', 'proxy_ssl_certificate_key']);
const PASSES = new Set(['proxy_pass', 'uwsgi_pass', 'fastcgi_pass', 'grpc_pass', 'scgi_pass']);

let certDir: string | null = null;
function certificates(): { cert: string; key: string; dh: string } {
  certDir ??= mkdtempSync(join(tmpdir(), 'nginx-t-cert-'));
  const cert = join(certDir, 'cert.pem');
  const key = join(certDir, 'key.pem');
  const dh = join(certDir, 'dh.pem');
  if (!existsSync(cert)) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    // A real DH group is slow to generate; nginx -t only needs a parseable one.
    writeFileSync(
      dh,
      execFileSync('openssl', [
        'genpkey',
        '-genparam',
        '-algorithm',
        'DH',
        '-pkeyopt',
        'group:ffdhe2048',
      ]),
    );
  }
  return { cert, key, dh };
}

/** Where a pasted file lives in the temp dir: /etc/nginx/x → x, /other/abs → other/abs. */
function localPath(name: string): string {
  return name
    .replace(/\\/g, '/')
    .replace(/^\/etc\/nginx\//, '')
    .replace(/^\/+/, 'abs/');
}

function relativeInclude(pattern: string): string {
  return pattern
    .replace(/^\/etc\/nginx\//, '')
    .replace(/^\/usr\/local\/openresty\/nginx\/conf\//, '')
    .replace(/^\/+/, 'abs/');
}

function isIp(host: string): boolean {
  return (
    /^\d+\.\d+\.\d+\.\d+$/.test(host) ||
    host.startsWith('[') ||
    host === 'localhost' ||
    host.startsWith('unix:')
  );
}

function stubHost(arg: string, upstreams: Set<string>): string {
  const m = /^([a-z]+:\/\/)?([^/:$]+)(:\d+)?(.*)$/i.exec(arg);
  // `unix:/path` and `http://unix:/path:/uri` name sockets, not hosts to stub.
  if (!m || arg.includes('$') || /^([a-z]+:\/\/)?unix:/i.test(arg)) return arg;
  const host = m[2] as string;
  if (isIp(host) || upstreams.has(host)) return arg;
  return `${m[1] ?? ''}127.0.0.1${m[3] ?? ''}${m[4] ?? ''}`;
}

function adjust(file: NginxFile, dir: string, upstreams: Set<string>): string {
  const edits: Edit[] = [];
  const set = (start: number, end: number, text: string): void => {
    edits.push({ file: file.name, start, end, text });
  };
  for (const d of file.directives()) {
    const arg = d.args[0];
    if (arg === undefined) continue;
    const argEdit = (value: string): void =>
      set(
        d.argsStart,
        d.argsEnd,
        [JSON.stringify(value), ...d.args.slice(1).map((a) => JSON.stringify(a))].join(' '),
      );
    if (d.name === 'include') {
      const rel = relativeInclude(arg);
      if (rel !== arg) argEdit(rel);
    } else if (CERT_DIRECTIVES.has(d.name) && !arg.includes('$')) argEdit(certificates().cert);
    else if (KEY_DIRECTIVES.has(d.name) && !arg.includes('$')) argEdit(certificates().key);
    else if (d.name === 'ssl_dhparam') argEdit(certificates().dh);
    else if (
      (d.name === 'error_log' || d.name === 'access_log') &&
      arg !== 'off' &&
      !arg.startsWith('syslog:') &&
      arg !== 'stderr'
    )
      argEdit(join(dir, 'logs', 'x.log'));
    else if (d.name === 'pid') argEdit(join(dir, 'nginx.pid'));
    else if (/_temp_path$|_cache_path$/.test(d.name))
      argEdit(join(dir, 'tmp', `${d.name}-${d.line}`));
    else if (d.name === 'user') set(d.start, d.end, '# user removed by nginx-t');
    else if (d.name === 'load_module') set(d.start, d.end, '# load_module removed by nginx-t');
    else if (d.name === 'server' && d.context === 'upstream' && !d.block)
      argEdit(stubHost(arg, new Set()));
    else if (PASSES.has(d.name)) argEdit(stubHost(arg, upstreams));
  }
  return applyEdits(file.text, edits);
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Runs `nginx -t` on `files` (see the module comment). Throws only when nginx is missing. */
export function nginxTest(
  files: { name: string; text: string }[],
  opts: NginxTestOptions = {},
): NginxTestResult {
  if (!NGINX_BIN) throw new Error(nginxMissingReason);
  const dir = mkdtempSync(join(tmpdir(), 'nginx-t-'));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'tmp'));
  const parsed = files.map((f) => parseNginx(f.name, f.text));
  const config = buildConfig(parsed);
  const upstreams = new Set(config.upstreams().map((u) => u.name));
  for (const f of parsed) {
    const path = join(dir, localPath(f.name));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, adjust(f, dir, upstreams));
  }
  // Includes nothing pasted provides: Debian's own file when it has one, else an empty stub.
  for (const f of parsed) {
    for (const d of f.directives()) {
      if (d.name !== 'include' || d.args.length !== 1) continue;
      const rel = relativeInclude(d.args[0] as string);
      if (hasGlob(rel) || rel.startsWith('/')) continue;
      const target = join(dir, rel);
      if (existsSync(target)) continue;
      mkdirSync(dirname(target), { recursive: true });
      const debian = join('/etc/nginx', rel);
      writeFileSync(target, existsSync(debian) ? readFileSync(debian) : '');
    }
  }
  const lines = ['events {}'];
  // Servers with `listen … ssl` whose certificate lives in a file not pasted inherit this one.
  const { cert, key } = certificates();
  const tls = `ssl_certificate ${JSON.stringify(cert)}; ssl_certificate_key ${JSON.stringify(key)};`;
  for (const root of config.roots) {
    const inc = `${tls} include ${JSON.stringify(join(dir, localPath(root.file.name)))};`;
    const ctx = guessContext(root.file);
    if (ctx === 'main') continue;
    if (ctx === 'http') lines.push(`http { ${inc} }`);
    else if (ctx === 'server') lines.push(`http { server { listen 127.0.0.1:18080; ${inc} } }`);
    else lines.push(`http { server { listen 127.0.0.1:18080; location / { ${inc} } } }`);
  }
  const main = config.roots.find((r) => r.context === 'main');
  const wrapper = join(dir, 'wrapper.conf');
  if (main) {
    // A main config is the wrapper itself; other roots cannot be wrapped beside it.
    writeFileSync(wrapper, readFileSync(join(dir, localPath(main.file.name))));
  } else {
    writeFileSync(wrapper, lines.join('\n') + '\n');
  }
  const run = spawnSync(
    NGINX_BIN,
    [
      '-t',
      '-q',
      '-p',
      dir + '/',
      '-c',
      wrapper,
      '-g',
      `error_log ${join(dir, 'logs', 'error.log')};`,
    ],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  let output = `${run.stdout ?? ''}${run.stderr ?? ''}`.split(dir + '/').join('');
  if (run.error) output += String(run.error);
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  return { ok: run.status === 0, output: output.trim(), dir };
}
