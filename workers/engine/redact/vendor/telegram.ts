/**
 * Telegram bot tokens, `<bot id>:<35 characters>`: bare (the secret half starts with `AA`), and
 * in Bot API URLs, `/bot<token>/sendMessage`, where access logs and proxy configs show them.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const IN_URL = /\/bot([0-9]{5,16}:[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/dg;
const BARE = /(?<![A-Za-z0-9_/:-])[0-9]{5,16}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/dg;

export function findTelegram(text: string): Candidate[] {
  // Both shapes hold `:` then the secret half: most texts are ruled out by one search.
  if (!text.includes('/bot') && !text.includes(':AA')) return [];
  return [
    ...regexCandidates(text, IN_URL, 'telegram-bot-token', 'vendor', 1),
    ...regexCandidates(text, BARE, 'telegram-bot-token', 'vendor'),
  ];
}
