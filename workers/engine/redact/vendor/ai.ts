/** OpenAI (legacy, project, service-account, admin) and Anthropic API keys. */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const ANTHROPIC = /(?<![A-Za-z0-9])sk-ant-(?:api|admin|oat|sid)[0-9]{2}-[A-Za-z0-9_-]{20,200}/dg;
const OPENAI_SCOPED = /(?<![A-Za-z0-9])sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,250}/dg;
/** Legacy keys: `sk-` + 48 alphanumerics, the middle of which is base64 of "OpenAI". */
const OPENAI_LEGACY = /(?<![A-Za-z0-9-])sk-[A-Za-z0-9]{48}(?![A-Za-z0-9])/dg;

export function findAiKeys(text: string): Candidate[] {
  return [
    ...regexCandidates(text, ANTHROPIC, 'anthropic-api-key', 'vendor'),
    ...regexCandidates(text, OPENAI_SCOPED, 'openai-api-key', 'vendor'),
    ...regexCandidates(text, OPENAI_LEGACY, 'openai-api-key', 'vendor'),
  ];
}
