/** GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs. */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const CLASSIC = /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}/dg;
const FINE_GRAINED = /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{60,250}/dg;

export function findGitHub(text: string): Candidate[] {
  return [
    ...regexCandidates(text, CLASSIC, 'github-token', 'vendor'),
    ...regexCandidates(text, FINE_GRAINED, 'github-token', 'vendor'),
  ];
}
