/**
 * crypt(3)-style password hashes (htpasswd, /etc/shadow, app user tables): bcrypt, apr1/MD5,
 * SHA-256/512 crypt, argon2. Not the password, but crackable offline, so they are hidden too.
 * Each form has its fixed `$id$…$` frame, so nginx variables (`$1$uri`) do not match.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const HASHES = [
  /\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}/dg,
  /\$apr1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}/dg,
  /\$[156]\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}/dg,
  /\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,9},t=[0-9]{1,9},p=[0-9]{1,3}\$[A-Za-z0-9+/]{8,128}\$[A-Za-z0-9+/]{16,256}/dg,
];

export function findPasswordHashes(text: string): Candidate[] {
  if (!text.includes('$')) return [];
  return HASHES.flatMap((re) => regexCandidates(text, re, 'password-hash', 'vendor'));
}
