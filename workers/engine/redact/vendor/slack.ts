/** Slack bot/user/app/config tokens and incoming-webhook URLs (the path is the secret). */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

/** `xoxb-<team digits>-<…>`: the digit group after the prefix tells tokens from words. */
const TOKEN = /(?<![A-Za-z0-9])xox[abposre]-[0-9]{4,20}-[A-Za-z0-9-]{8,250}/dg;
const REFRESH = /(?<![A-Za-z0-9])xoxe\.xox[bp]-[A-Za-z0-9-]{20,250}/dg;
const APP = /(?<![A-Za-z0-9])xapp-[0-9]-[A-Za-z0-9-]{20,250}/dg;
const WEBHOOK = /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{16,200})/dg;

export function findSlack(text: string): Candidate[] {
  return [
    ...regexCandidates(text, TOKEN, 'slack-token', 'vendor'),
    ...regexCandidates(text, REFRESH, 'slack-token', 'vendor'),
    ...regexCandidates(text, APP, 'slack-token', 'vendor'),
    ...regexCandidates(text, WEBHOOK, 'slack-webhook', 'vendor', 1),
  ];
}
