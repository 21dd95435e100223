/**
 * `.env` files: `[export] NAME=value`, values quoted or not (double-quoted ones may span lines).
 * Values of credential-named variables go; so do values with no telling name that look random
 * (a `.env` file is where people put keys without calling them keys).
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue, looksRandom } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const LINE = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,200})[ \t]*=[ \t]*/gm;
const MAX_VALUE = 64 * 1024;

export function findDotenvSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  LINE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LINE.exec(text)) !== null) {
    const name = m[1]!;
    let start = LINE.lastIndex;
    let end: number;
    let quoted = false;
    const q = text[start];
    if (q === '"' || q === "'" || q === '`') {
      quoted = true;
      start++;
      end = start;
      // Single-quoted and backquoted values end on their line; double-quoted ones may continue.
      while (
        end < text.length &&
        end - start < MAX_VALUE &&
        text[end] !== q &&
        (q === '"' || text[end] !== '\n')
      ) {
        end += text[end] === '\\' ? 2 : 1;
      }
      end = Math.min(end, text.length);
    } else {
      end = start;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') {
        if (text[end] === '#' && (text[end - 1] === ' ' || text[end - 1] === '\t')) break;
        end++;
      }
      while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    }
    LINE.lastIndex = Math.max(LINE.lastIndex, end);
    const value = text.slice(start, end);
    const kind = secretKindOfName(name);
    // Unquoted `os.environ.get("X")`: this "env file" is code (a kind-less paste).
    if (kind && !isNonSecretValue(value, quoted, kind)) {
      out.push({ start, end, kind, layer: 'format' });
    } else if (!kind && !/\s/.test(value) && looksRandom(value)) {
      out.push({ start, end, kind: 'secret', layer: 'format' });
    }
  }
  return out;
}
