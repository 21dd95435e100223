/**
 * `Authorization: Basic …` / `Bearer …` / `Token …` values wherever they appear (curl commands,
 * logged request headers, header settings of any format). The scheme word stays, the credential
 * goes. A scheme word followed by an ordinary word in prose ("the bearer token expired") is not a
 * credential: outside an Authorization context, a value must look like one.
 */
import type { Candidate } from '../types.ts';
import { isTemplateOrMasked } from '../filters.ts';

// No lookbehind for the word boundary (it makes the engine try every offset): checked by hand.
const SCHEME =
  /([Bb]asic|[Bb]earer|[Tt]oken|[Aa]pi-?[Kk]ey|JWT)[ \t]+([A-Za-z0-9._~+/=-]{6,8192})/dg;
const CONTEXT = /authorization|auth[_-]?header|-H\b|--header|x-api-key/i;

export function findAuthHeaders(text: string): Candidate[] {
  const out: Candidate[] = [];
  SCHEME.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCHEME.exec(text)) !== null) {
    if (m.index > 0 && /[A-Za-z0-9-]/.test(text[m.index - 1]!)) {
      SCHEME.lastIndex = m.index + 1;
      continue;
    }
    const [start, end] = m.indices![2]!;
    const value = m[2]!;
    // A rejected value may itself start the next match (`Bearer Bearer <token>`).
    SCHEME.lastIndex = start;
    if (isTemplateOrMasked(value)) continue;
    // Look back a bounded distance on the same line for what makes this a header.
    const before = text.slice(Math.max(0, m.index - 200), m.index);
    const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
    const inContext = CONTEXT.test(lineBefore);
    const scheme = m[1]!.toLowerCase();
    // Even next to "Authorization", a plain lower-case word is prose ("Bearer tokens").
    const wordy = /^[a-z]+$/.test(value) && value.length < 16;
    if ((inContext && !wordy) || looksLikeCredential(scheme, value)) {
      SCHEME.lastIndex = end;
      out.push({
        start,
        end,
        kind: scheme === 'basic' ? 'basic-auth' : 'bearer-token',
        layer: 'common',
      });
    }
  }
  return out;
}

function looksLikeCredential(scheme: string, value: string): boolean {
  if (scheme === 'basic') {
    // base64 of `user:password`.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
    try {
      return atob(value).includes(':');
    } catch {
      return false;
    }
  }
  return value.length >= 16 && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}
