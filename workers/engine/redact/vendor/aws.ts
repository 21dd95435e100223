/**
 * AWS: access key ids have a fixed shape (prefix + 16 base32 characters); secret access keys are
 * 40 base64 characters with nothing to recognise them by, so they need `aws` and `secret` on the
 * same line (named settings like `aws_secret_access_key = …` are also caught by the generic
 * keyword layer).
 */
import type { Candidate } from '../types.ts';
import { forEachLine, regexCandidates } from '../scan.ts';

const KEY_ID = /(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/dg;
const SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/dg;

export function findAws(text: string): Candidate[] {
  // AWS's documentation keys end in EXAMPLE: they are not anyone's credential.
  const out = regexCandidates(
    text,
    KEY_ID,
    'aws-access-key-id',
    'vendor',
    0,
    (s) => !s.endsWith('EXAMPLE'),
  );
  forEachLine(text, (line, start) => {
    if (line.length < 40 || !/aws/i.test(line) || !/secret/i.test(line)) return;
    for (const c of regexCandidates(line, SECRET, 'aws-secret-key', 'vendor', 0, isKeyLike)) {
      out.push({ ...c, start: c.start + start, end: c.end + start });
    }
  });
  return out;
}

/** Real secret keys mix cases and digits; a 40-character path or word run does not. */
function isKeyLike(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && !s.endsWith('EXAMPLEKEY');
}
