/** Package registry tokens: npm access tokens and PyPI upload tokens (macaroons for pypi.org). */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const NPM = /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg;
/** `AgEIcHlwaS5vcmc` / `AgENdGVzdC5weXBpLm9yZw` are the macaroon headers for pypi.org / test.pypi.org. */
const PYPI =
  /(?<![A-Za-z0-9])pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{40,2000}/dg;

export function findRegistryTokens(text: string): Candidate[] {
  return [
    ...regexCandidates(text, NPM, 'npm-token', 'vendor'),
    ...regexCandidates(text, PYPI, 'pypi-token', 'vendor'),
  ];
}
