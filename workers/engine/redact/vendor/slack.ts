/**
 * Slack bot/user/app/config tokens and incoming-webhook URLs (the path is the secret), also the
 * path alone as it shows in an access log's request line or a rewrite (`/services/T…/B…/…`).
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

/** `xoxb-<team digits>-<…>`: the digit group after the prefix tells tokens from words. */
const TOKEN = /(?<![A-Za-z0-9])xox[abposre]-[0-9]{4,20}-[A-Za-z0-9-]{8,250}/dg;
const REFRESH = /(?<![A-Za-z0-9])xoxe\.xox[bp]-[A-Za-z0-9-]{20,250}/dg;
const APP = /(?<![A-Za-z0-9])xapp-[0-9]-[A-Za-z0-9-]{20,250}/dg;
const WEBHOOK = /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]{16,200})/dg;
/** Team, channel, then the secret: `/services/T0123ABCD/B0123ABCD/<24 letters and digits>`. */
const WEBHOOK_PATH =
  /\/services\/(T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24})(?![A-Za-z0-9])/dg;

export function findSlack(text: string): Candidate[] {
  return [
    ...regexCandidates(text, TOKEN, 'slack-token', 'vendor'),
    ...regexCandidates(text, REFRESH, 'slack-token', 'vendor'),
    ...regexCandidates(text, APP, 'slack-token', 'vendor'),
    ...regexCandidates(text, WEBHOOK, 'slack-webhook', 'vendor', 1),
    ...regexCandidates(text, WEBHOOK_PATH, 'slack-webhook', 'vendor', 1),
  ];
}
