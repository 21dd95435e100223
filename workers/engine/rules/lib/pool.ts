/**
 * Whether nginx caches connections to an upstream block, and for how long an idle cached
 * connection is kept: explicit `keepalive N`, or (1.29.7+) the default `keepalive 32 local`
 * every explicit upstream block gets; `keepalive_timeout` in the upstream (60s default, a
 * directive since 1.15.3 — before that a cached connection stayed until the server closed it).
 */
import {
  atLeast,
  defaultSource,
  parseDuration,
  parseVersion,
  type UpstreamInfo,
} from '../../formats/nginx/index.ts';

export interface Pool {
  /** "keepalive 16" or "keepalive 32 local (default)". */
  size: string;
  /** Where the pool comes from: "app.conf:3" or "nginx 1.29.7 default". */
  sizeSource: string;
  sizeLine: { file: string; line: number } | null;
  /** Idle seconds nginx keeps a cached connection; null when nginx has no limit (< 1.15.3). */
  idleSeconds: number | null;
  idleValue: string;
  idleSource: string;
  idleLine: { file: string; line: number } | null;
  /** Whether `keepalive_timeout` may be written in the upstream block (nginx ≥ 1.15.3). */
  canSetIdle: boolean;
}

export function poolOf(upstream: UpstreamInfo, nginxVersion: string): Pool | null {
  const version = parseVersion(nginxVersion);
  const where = (w: { file: string; line: number }) => `${w.file}:${w.line}`;
  let size: string;
  let sizeSource: string;
  let sizeLine: Pool['sizeLine'] = null;
  if (upstream.keepalive) {
    size = `keepalive ${upstream.keepalive.value.join(' ')}`;
    sizeSource = where(upstream.keepalive);
    sizeLine = { file: upstream.keepalive.file, line: upstream.keepalive.line };
  } else if (version && atLeast(version, '1.29.7') && upstream.context === 'http') {
    size = 'keepalive 32 local (default)';
    sizeSource = defaultSource('keepalive', nginxVersion, 'upstream');
  } else return null;

  const canSetIdle = version === null || atLeast(version, '1.15.3');
  const written = upstream.keepaliveTimeout;
  if (written) {
    const value = written.value[0] ?? '';
    return {
      size,
      sizeSource,
      sizeLine,
      idleSeconds: parseDuration(value),
      idleValue: value,
      idleSource: where(written),
      idleLine: { file: written.file, line: written.line },
      canSetIdle,
    };
  }
  return {
    size,
    sizeSource,
    sizeLine,
    idleSeconds: canSetIdle ? 60 : null,
    idleValue: canSetIdle ? '60s' : 'none (kept until the server closes it)',
    idleSource: canSetIdle
      ? defaultSource('keepalive_timeout', nginxVersion, 'upstream')
      : `nginx ${nginxVersion}: no upstream keepalive_timeout before 1.15.3`,
    idleLine: null,
    canSetIdle,
  };
}
