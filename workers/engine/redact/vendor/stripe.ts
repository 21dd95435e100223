/** Stripe secret and restricted keys and webhook signing secrets (publishable `pk_` keys are public). */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const KEY = /(?<![A-Za-z0-9])(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,247}/dg;
const WEBHOOK = /(?<![A-Za-z0-9])whsec_[A-Za-z0-9]{20,100}/dg;

export function findStripe(text: string): Candidate[] {
  return [
    ...regexCandidates(text, KEY, 'stripe-key', 'vendor'),
    ...regexCandidates(text, WEBHOOK, 'stripe-key', 'vendor'),
  ];
}
