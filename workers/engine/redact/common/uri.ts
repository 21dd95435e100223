/**
 * Credentials in URIs of any scheme: `postgres://user:pass@`, `redis://:pass@`, `amqp://`,
 * `mongodb+srv://`, `https://TOKEN@host`. Only the password (or a token-looking user) goes;
 * scheme, user, host and path stay so the address still reads. Found from each `://` with a
 * bounded forward scan, so the cost is linear in the text.
 */
import type { Candidate } from '../types.ts';
import { entropy, isTemplateOrMasked } from '../filters.ts';

/** Characters that end an authority (or the text around a URI) in configs and logs. */
const AUTHORITY_END = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '/',
  '?',
  '#',
  '"',
  "'",
  '`',
  '<',
  '>',
  '\\',
]);
const MAX_AUTHORITY = 512;

export function findUriCredentials(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    const start = i + 3;
    let end = start;
    let lastAt = -1;
    while (end < text.length && end - start < MAX_AUTHORITY && !AUTHORITY_END.has(text[end]!)) {
      if (text[end] === '@') lastAt = end;
      end++;
    }
    if (lastAt <= start) continue;
    const colon = text.indexOf(':', start);
    if (colon >= 0 && colon < lastAt) {
      const password = text.slice(colon + 1, lastAt);
      if (!isTemplateOrMasked(password)) {
        out.push({ start: colon + 1, end: lastAt, kind: 'password', layer: 'common' });
      }
    } else {
      // A user with no password is a token when it looks like one (`https://<token>@github.com`,
      // Sentry DSNs); `git@`, `deploy@` are names.
      const user = text.slice(start, lastAt);
      if (
        user.length >= 20 &&
        /[0-9]/.test(user) &&
        /[A-Za-z]/.test(user) &&
        entropy(user) >= 3 &&
        !isTemplateOrMasked(user)
      ) {
        out.push({ start, end: lastAt, kind: 'token', layer: 'common' });
      }
    }
  }
  return out;
}
