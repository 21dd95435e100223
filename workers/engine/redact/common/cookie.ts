/**
 * Cookies in pasted request/response headers (`Cookie: a=b; session=…`, `Set-Cookie: …`):
 * session identifiers are bearer credentials. A cookie value goes when its name says session,
 * token, auth or id, or when it is long and random; preferences (`theme=dark`) stay.
 */
import type { Candidate } from '../types.ts';
import { isTemplateOrMasked, looksRandom } from '../filters.ts';

const HEADER = /(?<![A-Za-z0-9-])(?:Set-)?Cookie:[ \t]*/gi;
const SESSION_NAME =
  /sess|sid|token|auth|jwt|csrf|xsrf|login|remember|user_?id|^_?_?host-|^_?_?secure-/i;
const MAX_HEADER = 8192;

export function findCookies(text: string): Candidate[] {
  const out: Candidate[] = [];
  HEADER.lastIndex = 0;
  while (HEADER.exec(text) !== null) {
    let i = HEADER.lastIndex;
    const stop = Math.min(text.length, i + MAX_HEADER);
    // name=value pairs separated by `;`, up to the end of the header (line end or a quote).
    while (i < stop) {
      while (i < stop && (text[i] === ' ' || text[i] === ';')) i++;
      const nameStart = i;
      while (i < stop && !'=;\n\r"\''.includes(text[i]!)) i++;
      if (text[i] !== '=') break;
      const name = text.slice(nameStart, i).trim();
      const valueStart = ++i;
      while (i < stop && !';\n\r"\' '.includes(text[i]!)) i++;
      const value = text.slice(valueStart, i);
      const attribute = /^(?:path|domain|expires|max-age|samesite|priority)$/i.test(name);
      if (
        !attribute &&
        value.length >= 6 &&
        !isTemplateOrMasked(value) &&
        (SESSION_NAME.test(name) || looksRandom(value, 16))
      ) {
        out.push({ start: valueStart, end: i, kind: 'cookie', layer: 'common' });
      }
      if (text[i] !== ';' && text[i] !== ' ') break;
    }
    HEADER.lastIndex = Math.max(HEADER.lastIndex, i);
  }
  return out;
}
