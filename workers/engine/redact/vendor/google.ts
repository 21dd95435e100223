/**
 * Google API keys, OAuth client secrets and OAuth access tokens, and a service-account key
 * file's `private_key_id` (it names the key to revoke, and with the file's email, to use).
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const API_KEY = /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg;
const CLIENT_SECRET = /(?<![A-Za-z0-9])GOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/dg;
const ACCESS_TOKEN = /(?<![A-Za-z0-9])ya29\.[0-9A-Za-z_-]{20,2048}/dg;
const PRIVATE_KEY_ID =
  /["']?private_key_id["']?[ \t]{0,8}[:=][ \t]{0,8}["']?([a-f0-9]{40})(?![a-f0-9])/dg;

export function findGoogle(text: string): Candidate[] {
  return [
    ...regexCandidates(text, API_KEY, 'google-api-key', 'vendor'),
    ...regexCandidates(text, CLIENT_SECRET, 'google-oauth-secret', 'vendor'),
    ...regexCandidates(text, ACCESS_TOKEN, 'google-oauth-token', 'vendor'),
    ...regexCandidates(text, PRIVATE_KEY_ID, 'gcp-private-key-id', 'vendor', 1),
  ];
}
