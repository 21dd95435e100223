/**
 * Twilio API key SIDs (`SK` + 32 hex) and auth tokens (32 hex, only on a line that names
 * Twilio: alone, 32 hex is an MD5 or an id).
 */
import type { Candidate } from '../types.ts';
import { forEachLine, regexCandidates } from '../scan.ts';

const API_KEY = /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/dg;
const HEX32 = /(?<![A-Za-z0-9])[0-9a-f]{32}(?![A-Za-z0-9])/dg;

export function findTwilio(text: string): Candidate[] {
  const out = regexCandidates(text, API_KEY, 'twilio-api-key', 'vendor');
  forEachLine(text, (line, start) => {
    if (line.length < 32 || !/twilio/i.test(line) || !/auth|token|secret/i.test(line)) return;
    for (const c of regexCandidates(line, HEX32, 'twilio-auth-token', 'vendor')) {
      out.push({ ...c, start: c.start + start, end: c.end + start });
    }
  });
  return out;
}
