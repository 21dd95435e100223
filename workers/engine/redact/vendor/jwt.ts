/**
 * JSON Web Tokens: base64url(`{"…`) . base64url(`{"…`) . signature. Both JSON parts start with
 * `eyJ`; the signature may be empty (`alg: none`). The dots cannot be in the parts' alphabet, so
 * the match never backtracks across them.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const JWT =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,8192}\.eyJ[A-Za-z0-9_-]{8,65536}\.[A-Za-z0-9_-]{0,8192}/dg;

export function findJwts(text: string): Candidate[] {
  return regexCandidates(text, JWT, 'jwt', 'vendor');
}
