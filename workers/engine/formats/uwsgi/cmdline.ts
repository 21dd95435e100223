/**
 * uWSGI's command line: `--option value`, `--option=value`, valueless flags, short options
 * (`-s`, `-p 4`, `-M`), and `--ini file`. Also UWSGI_* environment variables, which uWSGI
 * reads as options (UWSGI_HTTP_TIMEOUT=30 is --http-timeout 30).
 */
import type { Word } from '../gunicorn/shell.ts';
import { UWSGI_FLAGS, UWSGI_SHORT, canonicalOption } from './defaults.ts';

export interface UwsgiArg {
  name: string;
  value: string | null;
  start: number;
  end: number;
  dynamic?: string;
}

export function parseUwsgiArgs(words: readonly Word[]): UwsgiArg[] {
  const out: UwsgiArg[] = [];
  const val = (w: Word, v: string) =>
    w.expansion
      ? { value: null, dynamic: `\`${v}\` is expanded by the shell at run time` }
      : { value: v };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    let name: string;
    let attached: string | null = null;
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      name = eq >= 0 ? v.slice(2, eq) : v.slice(2);
      if (eq >= 0) attached = v.slice(eq + 1);
    } else if (/^-[a-zA-Z]/.test(v)) {
      name = UWSGI_SHORT[v[1]!] ?? v.slice(1, 2);
      if (v.length > 2) attached = v.slice(2);
    } else if (i === 0 && /\.(ini|xml|ya?ml|json)$/.test(v)) {
      // `uwsgi app.ini`: a lone config file is loaded like --ini.
      out.push({ name: 'ini', ...val(w, v), start: w.start, end: w.end });
      continue;
    } else continue;
    const canon = canonicalOption(name);
    if (attached !== null) {
      out.push({ name: canon, ...val(w, attached), start: w.start, end: w.end });
      continue;
    }
    const next = words[i + 1];
    if (UWSGI_FLAGS.has(canon) || !next || next.value.startsWith('-')) {
      out.push({ name: canon, value: 'true', start: w.start, end: w.end });
      continue;
    }
    out.push({ name: canon, ...val(next, next.value), start: w.start, end: next.end });
    i++;
  }
  return out;
}

/** `UWSGI_HTTP_TIMEOUT` → `http-timeout`; null for other variables. */
export function envOption(name: string): string | null {
  const m = /^UWSGI_([A-Z0-9_]+)$/.exec(name);
  if (!m || ['VASSAL_CONFIG', 'ORIGINAL_PROC_NAME', 'RELOADS'].includes(m[1]!)) return null;
  return canonicalOption(m[1]!.toLowerCase().replace(/_/g, '-'));
}
