/** SendGrid API keys: `SG.` + 22 + `.` + 43 base64url characters. */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const KEY = /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/dg;

export function findSendGrid(text: string): Candidate[] {
  return regexCandidates(text, KEY, 'sendgrid-api-key', 'vendor');
}
