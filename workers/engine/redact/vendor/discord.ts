/** Discord webhook URLs: `/api/webhooks/<id>/<token>`, the id and token are the secret. */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const WEBHOOK =
  /discord(?:app)?\.com\/api\/webhooks\/([0-9]{17,20}\/[A-Za-z0-9_-]{60,70})(?![A-Za-z0-9_-])/dg;

export function findDiscord(text: string): Candidate[] {
  if (!text.includes('/api/webhooks/')) return [];
  return regexCandidates(text, WEBHOOK, 'discord-webhook', 'vendor', 1);
}
