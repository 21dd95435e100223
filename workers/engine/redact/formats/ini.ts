/**
 * uWSGI ini and php-fpm pool files: `key = value` lines. Credentials hide in
 * `env = NAME=value` (and `set-placeholder`), php-fpm's `env[NAME] = value` and
 * `php_admin_value[…password] = value`, keys that are themselves credential names, and uWSGI
 * `basicauth:realm,user:password` route actions. In ini the whole rest of the line is the value,
 * spaces included.
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue, isTemplateOrMasked } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';
import { forEachLine } from '../scan.ts';

const NAME_VALUE_KEYS = new Set(['env', 'set-placeholder', 'set-ph', 'set', 'declare-option']);
const BRACKET_KEY = /^(?:env|php_value|php_admin_value|php_flag|php_admin_flag)\[([^\]]{1,200})\]$/;

export function findIniSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  forEachLine(text, (line, lineStart) => {
    const eq = line.indexOf('=');
    if (eq <= 0 || /^\s*[;#[]/.test(line)) return;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.\-[\]]+$/.test(key)) return;
    let vStart = eq + 1;
    while (line[vStart] === ' ' || line[vStart] === '\t') vStart++;
    let vEnd = line.length;
    while (vEnd > vStart && (line[vEnd - 1] === ' ' || line[vEnd - 1] === '\t')) vEnd--;
    // Surrounding quotes are syntax (php-fpm), not part of the secret.
    let quoted = false;
    if (
      vEnd - vStart >= 2 &&
      (line[vStart] === '"' || line[vStart] === "'") &&
      line[vEnd - 1] === line[vStart]
    ) {
      vStart++;
      vEnd--;
      quoted = true;
    }
    const value = line.slice(vStart, vEnd);
    const add = (s: number, e: number, kind: string) => {
      if (e > s) out.push({ start: lineStart + s, end: lineStart + e, kind, layer: 'format' });
    };
    const lowerKey = key.toLowerCase();
    const bracket = BRACKET_KEY.exec(lowerKey);
    if (NAME_VALUE_KEYS.has(lowerKey)) {
      const inner = value.indexOf('=');
      const name = inner > 0 ? value.slice(0, inner) : '';
      const kind = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) ? secretKindOfName(name) : null;
      if (kind && !isNonSecretValue(value.slice(inner + 1), true, kind))
        add(vStart + inner + 1, vEnd, kind);
    } else if (bracket) {
      const kind = secretKindOfName(bracket[1]!);
      if (kind && !isNonSecretValue(value, quoted, kind)) add(vStart, vEnd, kind);
    } else if (lowerKey.startsWith('route')) {
      const auth = /basicauth(?:-next)?:[^,]*,([^:\s]*):(\S+)/.exec(value);
      if (auth && !isTemplateOrMasked(auth[2]!)) {
        const at = auth.index + auth[0].length - auth[2]!.length;
        add(vStart + at, vStart + at + auth[2]!.length, 'password');
      }
    } else {
      const kind = secretKindOfName(key);
      if (kind && !isNonSecretValue(value, quoted, kind)) add(vStart, vEnd, kind);
    }
  });
  return out;
}
