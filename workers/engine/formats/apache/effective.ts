/**
 * The settings an Apache httpd runs with, from every pasted Apache file taken as one server
 * (apache2.conf includes ports.conf and the site files): a directive at server level (bare, or
 * inside <IfModule>/<IfDefine>/<IfVersion>) wins, the last one read; else the first
 * <VirtualHost>'s, as Apache takes KeepAliveTimeout from the first virtual host matching the
 * address. Defaults are httpd 2.4's (2.2 had the same KeepAliveTimeout of 5 s and a Timeout of
 * 300 s; 2.0 a KeepAliveTimeout of 15 s).
 */
import type { ParsedFile } from '../types.ts';
import { defaultsOf, type DefaultRow, type EffectiveSettings } from '../gunicorn/text.ts';
import { atServerLevel, type ApacheTree } from './parse.ts';

const H = 'Apache httpd 2.2–2.4';
const row = (name: string, value: string | null, holds = H) => ({
  name,
  def: { value, holds } satisfies DefaultRow,
});

export const APACHE_SETTINGS = [
  row('KeepAlive', 'On'),
  row('KeepAliveTimeout', '5'),
  row('MaxKeepAliveRequests', '100'),
  row('Timeout', '60', 'Apache httpd 2.4 (300 in 2.2)'),
  row('GracefulShutdownTimeout', '0'),
  row('MaxConnectionsPerChild', '0'),
  // Which multi-processing module runs it (`LoadModule mpm_<name>_module`).
  row('mpm', 'event', 'Apache httpd 2.4 where the platform has it (prefork in 2.2)'),
];
const CANONICAL = new Map([
  ...APACHE_SETTINGS.map((r) => [r.name.toLowerCase(), r.name] as const),
  // 2.2's name, still read by 2.4.
  ['maxrequestsperchild', 'MaxConnectionsPerChild'],
]);

/** Seconds for each unit a 2.4 timeout may carry (`300ms`, `2mi`); none is seconds. */
const UNIT: Readonly<Record<string, number>> = { '': 1, s: 1, ms: 0.001, mi: 60, h: 3600 };

/** A timeout (`KeepAliveTimeout 300ms`, `Timeout 2mi`) in seconds; other values as written. */
function valueOf(name: string, args: string): string {
  const t = /^(\d+(?:\.\d+)?)(ms|mi|s|h)?$/i.exec(args);
  if (!/Timeout$/.test(name) || !t) return args;
  return String(Number(t[1]) * UNIT[(t[2] ?? '').toLowerCase()]!);
}

export function apacheSettings(files: readonly ParsedFile<ApacheTree>[]): EffectiveSettings {
  const out = defaultsOf(APACHE_SETTINGS, 'Apache httpd');
  // Settings already given by the server level or a first virtual host.
  const taken = new Set<string>();
  for (const file of files) {
    for (const d of file.tree.directives) {
      const mpm = /^LoadModule$/i.test(d.name) && /^mpm_(\w+)_module\b/.exec(d.args);
      if (mpm) out.mpm = { value: mpm[1]!, source: { file: file.name, line: d.line } };
      const name = CANONICAL.get(d.name.toLowerCase());
      if (!name) continue;
      const set = { value: valueOf(name, d.args), source: { file: file.name, line: d.line } };
      if (atServerLevel(d)) {
        out[name] = set;
        taken.add(name);
      } else if (!taken.has(name) && /^VirtualHost\b/i.test(d.sections[0] ?? '')) {
        // The first virtual host's value, unless the server level says otherwise.
        out[name] = set;
        taken.add(name);
      }
    }
  }
  return out;
}

/** `Listen [addr:]port [protocol]` lines, else the ports of the <VirtualHost> addresses. */
export function apacheListens(
  files: readonly ParsedFile<ApacheTree>[],
): { address: string; tls: boolean; file: string; line: number }[] {
  const listens = files.flatMap((f) =>
    f.tree.directives
      .filter((d) => /^Listen$/i.test(d.name))
      .map((d) => {
        const [address = '', protocol = ''] = d.args.split(/\s+/);
        return { address, tls: /^https$/i.test(protocol), file: f.name, line: d.line };
      }),
  );
  if (listens.length > 0) return listens;
  return files.flatMap((f) =>
    f.tree.sections
      .filter((s) => /^VirtualHost$/i.test(s.name))
      .flatMap((s) =>
        s.args
          .split(/\s+/)
          .map((a) => a.replace(/^\*:/, ''))
          .filter((a) => /^(\d+|[\d.]+:\d+|\[[\d:a-f]+\]:\d+)$/i.test(a))
          .map((address) => ({ address, tls: false, file: f.name, line: s.line })),
      ),
  );
}
