/**
 * uWSGI's value placeholders: `%(option)` refers to an option set earlier (or a custom one),
 * `%k` is the CPU count, `%n`/`%s` the config file's name, `$(VAR)` an environment variable;
 * `${VAR}` comes from envsubst-style templates. Whatever depends on the machine or the
 * environment makes the value dynamic.
 */
import { baseName } from '../../strings.ts';

export interface Resolved {
  value: string | null;
  dynamic?: string;
}

const MAGIC: Record<string, string> = {
  k: 'the CPU count',
  d: 'the config file directory',
  p: 'the config file path',
  c: 'the config file directory name',
  x: 'the config file path',
  h: 'the hostname',
  v: 'the vassals directory',
  o: 'the original config path',
  O: 'the original config name',
  t: 'the current time',
  T: 'the current time',
  j: 'a hash of the config path',
  U: 'the uid',
  G: 'the gid',
  V: 'the uWSGI version',
};

export function resolvePlaceholders(
  raw: string,
  fileName: string,
  lookup: (name: string) => Resolved | undefined,
  depth = 0,
): Resolved {
  const base = baseName(fileName);
  const reasons: string[] = [];
  let unknown = false;
  const out = raw.replace(
    /%\(([^)]*)\)|%([a-zA-Z%])|\$\(([^)]*)\)|\$\{([^}]*)\}|@\(([^)]*)\)/g,
    (all, opt?: string, magic?: string, env?: string, tpl?: string, file?: string) => {
      if (opt !== undefined) {
        const v = depth < 8 ? lookup(opt.trim()) : undefined;
        if (!v) {
          unknown = true;
          reasons.push(`%(${opt}) is not set before this line`);
          return all;
        }
        if (v.value === null) {
          unknown = true;
          reasons.push(v.dynamic ?? `%(${opt}) is dynamic`);
          return all;
        }
        if (v.dynamic) reasons.push(v.dynamic);
        return v.value;
      }
      if (magic !== undefined) {
        if (magic === '%') return '%';
        if (magic === 'n') return base.replace(/\.[^.]*$/, '');
        if (magic === 's') return base;
        if (magic === 'e') return base.replace(/^.*\./, '');
        const what = MAGIC[magic];
        if (!what) return all;
        unknown = true;
        reasons.push(`%${magic} is ${what}`);
        return all;
      }
      unknown = true;
      if (env !== undefined) reasons.push(`$(${env}) is read from the environment`);
      else if (tpl !== undefined) reasons.push(`\${${tpl}} is filled in by a template tool`);
      else reasons.push(`@(${file}) reads a file`);
      return all;
    },
  );
  if (unknown) return { value: null, dynamic: reasons.join('; ') };
  return reasons.length ? { value: out, dynamic: reasons.join('; ') } : { value: out };
}
