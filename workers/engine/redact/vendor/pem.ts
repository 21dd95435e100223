/**
 * PEM private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP). The BEGIN/END lines stay
 * so the file still reads as a key; the body goes. Certificates and public keys are public and
 * stay. Found with indexOf, not a regex over the body, so a 1 MB key costs one pass.
 */
import type { Candidate } from '../types.ts';

const HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
/** What a truncated key body may contain: base64, PEM headers (`Proc-Type: …`), escaped or real newlines. */
const BODY_CHAR = /[A-Za-z0-9+/=:,\-\s\\]/;

export function findPrivateKeys(text: string): Candidate[] {
  const out: Candidate[] = [];
  HEADER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = HEADER.exec(text)) !== null) {
    const bodyStart = m.index + m[0].length;
    // The body ends at the next `-----`: the footer, or the next header when the paste was cut.
    const dashes = text.indexOf('-----', bodyStart);
    let bodyEnd: number;
    if (dashes >= 0) {
      bodyEnd = dashes;
    } else {
      bodyEnd = bodyStart;
      while (bodyEnd < text.length && BODY_CHAR.test(text[bodyEnd]!)) bodyEnd++;
    }
    const [start, end] = trimBody(text, bodyStart, bodyEnd);
    // Already redacted (a second pass over redacted text must change nothing).
    if (text.startsWith('«redacted:', start)) continue;
    if (end > start) out.push({ start, end, kind: 'private-key', layer: 'vendor' });
    HEADER.lastIndex = Math.max(HEADER.lastIndex, bodyEnd);
  }
  return out;
}

/** Drops whitespace and literal `\n` / `\r` escapes at both ends of a body. */
function trimBody(text: string, start: number, end: number): [number, number] {
  for (;;) {
    if (start < end && /\s/.test(text[start]!)) start++;
    else if (text.startsWith('\\n', start) || text.startsWith('\\r', start)) start += 2;
    else break;
  }
  for (;;) {
    if (end > start && /\s/.test(text[end - 1]!)) end--;
    else if (
      end - 2 >= start &&
      (text.startsWith('\\n', end - 2) || text.startsWith('\\r', end - 2))
    )
      end -= 2;
    else break;
  }
  return [start, end];
}
