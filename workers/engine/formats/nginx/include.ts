/**
 * Which pasted files an `include` pattern names. Pasted names are rarely the paths nginx used:
 * `include /etc/nginx/conf.d/*.conf;` must find a file pasted as `conf.d/a.conf`,
 * `/etc/nginx/conf.d/a.conf` (nginx -T) or just `a.conf`. So patterns and names are compared
 * segment by segment from the end (each pattern segment a glob: `*`, `?`, `[…]`), over as many
 * segments as both have.
 *
 * A bare name matched only through a wildcard (`a.conf` against `sites-enabled/*`) is weaker
 * evidence: it is accepted unless the file is a main config (has `http`/`events` at the top),
 * so `include sites-enabled/*;` does not pull nginx.conf into itself. An unnamed piece of a
 * paste (`pasted #2 (nginx)`) is matched the same weak way by a wildcard any `.conf` name fits.
 */

export function splitPath(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

const segmentCache = new Map<string, RegExp>();

function segmentRegex(glob: string): RegExp {
  let re = segmentCache.get(glob);
  if (!re) {
    let src = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i] as string;
      if (c === '*') src += '[^/]*';
      else if (c === '?') src += '[^/]';
      else if (c === '[') {
        const close = glob.indexOf(']', i + 2);
        if (close < 0) src += '\\[';
        else {
          let set = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
          if (set.startsWith('!')) set = '^' + set.slice(1);
          src += `[${set}]`;
          i = close;
        }
      } else src += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`);
    if (segmentCache.size < 1000) segmentCache.set(glob, re);
  }
  return re;
}

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export interface IncludeCandidate {
  name: string;
  /** True for a main config (top-level http/events/stream). */
  main: boolean;
  /** An unnamed piece of a paste: any include whose last segment is a wildcard may be it. */
  loose?: boolean;
}

/** Whether the file named `name` is one `pattern` includes (see the module comment). */
export function includeMatches(pattern: string, file: IncludeCandidate): boolean {
  const p = splitPath(pattern);
  const f = splitPath(file.name);
  if (p.length === 0 || f.length === 0) return false;
  // Unnamed, it could be any `.conf` file: a wildcard that takes any such name takes it
  // (`*`, `*.conf`), one that asks for more (`*.subdomain.conf`) does not.
  if (file.loose) {
    const last = p.at(-1) as string;
    return !file.main && hasGlob(last) && segmentRegex(last).test('pasted.conf');
  }
  const k = Math.min(p.length, f.length);
  for (let i = 1; i <= k; i++) {
    const seg = p[p.length - i] as string;
    const name = f[f.length - i] as string;
    if (hasGlob(seg) ? !segmentRegex(seg).test(name) : seg !== name) return false;
  }
  if (f.length === 1 && p.length > 1 && hasGlob(p[p.length - 1] as string) && file.main)
    return false;
  return true;
}
