/**
 * Kinds of short pieces the format detectors (tuned for whole files) are unsure of: a lone
 * `client_max_body_size 2000M;`, `harakiri = 30`, a `containers:` excerpt, `timeout = 120`.
 * Each scorer knows its format's own vocabulary, so a piece scores only when its names are
 * that format's names, not just its syntax.
 */
import type { SegmentKind } from '../model.ts';
import { allowedIn } from '../formats/nginx/placement.ts';
import { GUNICORN_SETTINGS } from '../formats/gunicorn/defaults.ts';
import { UWSGI_DEFAULTS, UWSGI_FLAGS } from '../formats/uwsgi/defaults.ts';
import { withoutComment } from '../strings.ts';

const NGINX_PREFIXES =
  /^(proxy|uwsgi|fastcgi|grpc|scgi|client|ssl|gzip|limit|keepalive|large_client|send|lingering|reset|open_file|real_ip|auth|add|sub|more_set|set_real|access|error|log|worker|http2|listen|server|location|upstream|resolver|lua|content_by|rewrite|return|root|index|try_files|include|default_type|sendfile|tcp|types|charset|expires|map|if|set|allow|deny|satisfies|underscores|ignore_invalid)(_|$)/;

const GUNICORN_NAMES = new Set([
  ...GUNICORN_SETTINGS.map((s) => s.name),
  'worker_class',
  'accesslog',
  'errorlog',
  'loglevel',
  'access_log_format',
  'forwarded_allow_ips',
  'proc_name',
  'wsgi_app',
  'raw_env',
  'pidfile',
  'worker_tmp_dir',
  'chdir',
  'user',
  'group',
  'umask',
  'certfile',
  'keyfile',
  'secure_scheme_headers',
  'max_requests_jitter',
  'preload_app',
  'logconfig',
  'logconfig_dict',
  'statsd_host',
  'worker_abort',
  'tmp_upload_dir',
]);
/** gunicorn's server hooks: `def post_fork(server, worker):` in a config file. */
const GUNICORN_HOOKS =
  /^def\s+(on_starting|on_reload|when_ready|pre_fork|post_fork|post_worker_init|worker_int|worker_abort|pre_exec|pre_request|post_request|child_exit|worker_exit|nworkers_changed|on_exit)\s*\(/m;
/** Names both servers use: they say nothing about which one a piece is. */
const SHARED = new Set(['workers', 'threads', 'listen', 'user', 'group', 'chdir', 'timeout']);
const UWSGI_NAMES = new Set([
  ...Object.keys(UWSGI_DEFAULTS),
  ...UWSGI_FLAGS,
  'socket',
  'http-socket',
  'uwsgi-socket',
  'http',
  'https',
  'module',
  'wsgi-file',
  'wsgi',
  'callable',
  'chmod-socket',
  'chown-socket',
  'uid',
  'gid',
  'plugin',
  'plugins',
  'vacuum',
  'pidfile',
  'home',
  'virtualenv',
  'venv',
  'env',
  'static-map',
  'route',
  'cheaper',
  'harakiri-verbose',
  'stats',
  'logto',
  'py-autoreload',
  'offload-threads',
  'add-header',
]);
const K8S_KEYS = new Set([
  'containers',
  'initContainers',
  'image',
  'imagePullPolicy',
  'resources',
  'limits',
  'requests',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'preStop',
  'terminationGracePeriodSeconds',
  'containerPort',
  'ports',
  'env',
  'envFrom',
  'volumeMounts',
  'template',
  'replicas',
  'selector',
  'annotations',
  'httpGet',
  'tcpSocket',
  'periodSeconds',
  'timeoutSeconds',
  'failureThreshold',
  'initialDelaySeconds',
  'serviceName',
  'servicePort',
  'backend',
  'rules',
  'paths',
  'pathType',
]);

export interface Guess {
  kind: SegmentKind;
  confidence: number;
}

/** Non-comment, non-blank lines, trimmed. */
function content(lines: readonly string[], comment: RegExp): string[] {
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !comment.test(l));
}

function nginxScore(lines: readonly string[]): number {
  const body = content(lines, /^#/);
  if (body.length === 0) return 0;
  let statements = 0;
  let known = 0;
  let other = 0;
  // A statement runs until its `;`, `{` or `}`, over as many lines as it takes.
  let statement = '';
  for (const l of body) {
    statement += ` ${withoutComment(l)}`;
    if (!/[;{}]\s*$/.test(statement)) continue;
    const line = statement.trim();
    statement = '';
    if (/^}+\s*$/.test(line)) {
      statements++;
      continue;
    }
    const m = /^([a-z_][a-z0-9_]*)(?:\s[^;{}]*)?[;{](?:\s*})?$/.exec(line);
    if (!m) {
      // A `map`/`types` body entry.
      if (/;\s*$/.test(line) && !/[=(]/.test(line)) statements++;
      else other++;
      continue;
    }
    statements++;
    const name = m[1] as string;
    if (allowedIn(name, line.endsWith('{')) || NGINX_PREFIXES.test(name)) known++;
  }
  if (statement.trim() !== '') other++;
  if (known === 0 || other > statements / 4) return 0;
  return known >= 2 || known === statements ? 0.7 : 0.55;
}

/** `key = value` lines: which server's names they use, and whether the values are Python. */
function assignmentScores(lines: readonly string[]): { gunicorn: number; uwsgi: number } {
  const body = content(lines, /^[#;]/);
  let gunicorn = 0;
  let uwsgi = 0;
  let python = 0;
  // Lines no ini file has: calls, imports, Python expressions as values.
  let pythonOnly = 0;
  let section = false;
  for (const l of body) {
    if (/^\[uwsgi\]$/.test(l)) {
      section = true;
      continue;
    }
    const m = /^([A-Za-z_][\w.-]*)[ \t]*=(.*)$/.exec(l);
    if (m) m[2] = m[2]!.trim();
    if (!m) {
      if (/^(import|from)\s|^[\w.]+\(.*\)\s*$|^(if|for|def|with|try)\b.*:$/.test(l)) {
        python++;
        pythonOnly++;
      }
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (/^[\w.]+\(.*\)$|^["'].*["']$|^\[.*\]$|^\{.*\}$/.test(value)) pythonOnly++;
    if (
      /^(["'].*["']|\d+(\.\d+)?|True|False|None|\[.*\]?|\(.*\)?|\{.*\}?|[\w.]+\(.*\)?|[\w.]+(\s*[-+*/]\s*[\w.()]+)*)$/.test(
        value,
      )
    )
      python++;
    if (!SHARED.has(key)) {
      if (GUNICORN_NAMES.has(key)) gunicorn++;
      if (UWSGI_NAMES.has(key)) uwsgi++;
    } else if (/^["']/.test(value)) gunicorn += 0.5;
  }
  const n = body.length;
  const text = lines.join('\n');
  // `import gunicorn`, a hook, `gunicorn.SERVER_SOFTWARE = …`: Python written for gunicorn.
  if (
    /^[ \t]*(import|from)[ \t]+gunicorn\b|^gunicorn\.\w+[ \t]*=/m.test(text) ||
    GUNICORN_HOOKS.test(text)
  )
    gunicorn += 1;
  return {
    gunicorn: gunicorn > 0 && python >= n * 0.8 ? (gunicorn >= 2 ? 0.65 : 0.55) : 0,
    uwsgi: section
      ? 0.9
      : uwsgi > 0 && uwsgi >= gunicorn && pythonOnly === 0
        ? uwsgi >= 2
          ? 0.65
          : 0.55
        : 0,
  };
}

function kubernetesScore(lines: readonly string[]): number {
  const body = content(lines, /^#/);
  if (body.length === 0) return 0;
  let yaml = 0;
  const keys = new Set<string>();
  for (const l of body) {
    const m = /^(?:-\s+)?["']?([\w./-]+)["']?\s*:(\s|$)/.exec(l);
    if (m) {
      yaml++;
      if (K8S_KEYS.has(m[1] as string) || /^nginx\.ingress\.kubernetes\.io\//.test(m[1] as string))
        keys.add(m[1] as string);
    } else if (/^-\s+\S/.test(l)) yaml++;
  }
  if (yaml < body.length * 0.8) return 0;
  return keys.size >= 3 ? 0.7 : keys.size >= 2 ? 0.55 : 0;
}

function scores(lines: readonly string[]): Guess[] {
  const assignments = assignmentScores(lines);
  return [
    { kind: 'nginx', confidence: nginxScore(lines) },
    { kind: 'gunicorn', confidence: assignments.gunicorn },
    { kind: 'uwsgi', confidence: assignments.uwsgi },
    { kind: 'kubernetes', confidence: kubernetesScore(lines) },
  ];
}

/** The best guess for a short piece, or null when no format's vocabulary fits. */
export function fragmentKind(lines: readonly string[]): Guess | null {
  const best = scores(lines).reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return best.confidence > 0 ? best : null;
}

/** How well a piece's names fit one format's vocabulary (0 for formats without a scorer). */
export function vocabularyFit(kind: SegmentKind, lines: readonly string[]): number {
  return scores(lines).find((g) => g.kind === kind)?.confidence ?? 0;
}
