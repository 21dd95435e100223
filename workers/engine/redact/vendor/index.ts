/** Every vendor-format detector: these run on any text, whatever its kind. */
import type { Candidate, Detector } from '../types.ts';
import { findAiKeys } from './ai.ts';
import { findAws } from './aws.ts';
import { findAzure } from './azure.ts';
import { findDiscord } from './discord.ts';
import { findGitHub } from './github.ts';
import { findGitLab } from './gitlab.ts';
import { findGoogle } from './google.ts';
import { findJwts } from './jwt.ts';
import { findPasswordHashes } from './password-hash.ts';
import { findPrivateKeys } from './pem.ts';
import { findPrefixedTokens } from './prefixed.ts';
import { findRegistryTokens } from './registries.ts';
import { findSendGrid } from './sendgrid.ts';
import { findSlack } from './slack.ts';
import { findStripe } from './stripe.ts';
import { findTelegram } from './telegram.ts';
import { findTwilio } from './twilio.ts';

export const vendorDetectors: readonly Detector[] = [
  findPrivateKeys,
  findAws,
  findGitHub,
  findGitLab,
  findSlack,
  findStripe,
  findGoogle,
  findAiKeys,
  findRegistryTokens,
  findSendGrid,
  findTwilio,
  findAzure,
  findJwts,
  findPasswordHashes,
  findPrefixedTokens,
  findTelegram,
  findDiscord,
];

export function findVendorSecrets(text: string): Candidate[] {
  return vendorDetectors.flatMap((d) => d(text));
}
