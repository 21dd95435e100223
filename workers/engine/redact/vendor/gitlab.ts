/** GitLab personal/project/group, deploy, runner, pipeline-trigger, feed, OAuth and CI job tokens. */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const PREFIXED =
  /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|ft|soat|cbt|imt|agent|oas|ffct|ldt)-[A-Za-z0-9_-]{20,80}/dg;
const RUNNER_REGISTRATION = /(?<![A-Za-z0-9])GR1348941[A-Za-z0-9_-]{20,80}/dg;

export function findGitLab(text: string): Candidate[] {
  return [
    ...regexCandidates(text, PREFIXED, 'gitlab-token', 'vendor'),
    ...regexCandidates(text, RUNNER_REGISTRATION, 'gitlab-token', 'vendor'),
  ];
}
