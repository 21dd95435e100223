/**
 * Password hashes (htpasswd, /etc/shadow, LDAP, app user tables): crypt(3)-style bcrypt,
 * apr1/MD5, SHA-256/512 crypt, argon2, and htpasswd's/LDAP's `{SHA}` and `{SSHA}`. Not the
 * password, but crackable offline (unsalted `{SHA}` in seconds), so they are hidden too. Each
 * form has its fixed frame, so nginx variables (`$1$uri`) do not match.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const HASHES = [
  /\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}/dg,
  /\$apr1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}/dg,
  /\$[156]\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}/dg,
  /\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,9},t=[0-9]{1,9},p=[0-9]{1,3}\$[A-Za-z0-9+/]{8,128}\$[A-Za-z0-9+/]{16,256}/dg,
];

/** `{SHA}` is base64 of 20 bytes (28 characters); `{SSHA}` adds a salt of any length. */
const LDAP_HASHES = [
  /(?<=\{SHA\})[A-Za-z0-9+/]{27}=/dg,
  /(?<=\{SSHA(?:256|384|512)?\})[A-Za-z0-9+/]{28,200}={0,2}/dg,
];

export function findPasswordHashes(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (text.includes('$'))
    for (const re of HASHES) out.push(...regexCandidates(text, re, 'password-hash', 'vendor'));
  if (text.includes('{S'))
    for (const re of LDAP_HASHES) out.push(...regexCandidates(text, re, 'password-hash', 'vendor'));
  return out;
}
