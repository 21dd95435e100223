/**
 * Other tokens that announce themselves with a fixed prefix (or suffix), common in ops configs:
 * HashiCorp Vault, Docker Hub, Sentry, Grafana, DigitalOcean, Hugging Face, Shopify, Doppler,
 * Postman, Atlassian, Linear, Databricks, New Relic, Square, Alibaba Cloud, age, PlanetScale.
 * A prefix plus a long random tail is unambiguous, so no context is needed. Shapes as gitleaks
 * keeps them.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

/** Each rule's literal, then its pattern: a text without the literal is not scanned at all. */
const RULES: [string, RegExp, string][] = [
  ['hv', /(?<![A-Za-z0-9_])hv[sbr]\.[A-Za-z0-9_-]{24,200}/dg, 'vault-token'],
  ['dckr_pat_', /(?<![A-Za-z0-9_])dckr_pat_[A-Za-z0-9_-]{27,60}/dg, 'docker-hub-token'],
  ['sntry', /(?<![A-Za-z0-9_])sntry[su]_[A-Za-z0-9+/=_-]{40,300}/dg, 'sentry-token'],
  ['gl', /(?<![A-Za-z0-9_])gl(?:sa|c)_[A-Za-z0-9_+/=-]{32,200}/dg, 'grafana-token'],
  ['_v1_', /(?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64}/dg, 'digitalocean-token'],
  ['hf_', /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,40}(?![A-Za-z0-9])/dg, 'huggingface-token'],
  ['shp', /(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/dg, 'shopify-token'],
  ['dp.', /(?<![A-Za-z0-9_])dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,50}/dg, 'doppler-token'],
  ['PMAK-', /(?<![A-Za-z0-9_])PMAK-[a-f0-9]{24}-[a-f0-9]{34}/dg, 'postman-api-key'],
  ['ATATT3', /(?<![A-Za-z0-9_])ATATT3[A-Za-z0-9_=-]{180,200}/dg, 'atlassian-token'],
  ['lin_api_', /(?<![A-Za-z0-9_])lin_api_[A-Za-z0-9]{40}/dg, 'linear-api-key'],
  ['dapi', /(?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9])/dg, 'databricks-token'],
  // New Relic user, admin, browser and insert keys; license keys end in NRAL.
  ['NRA', /(?<![A-Za-z0-9_])NRA[AK]-[A-Za-z0-9]{27}(?![A-Za-z0-9])/dg, 'newrelic-key'],
  ['NRJS-', /(?<![A-Za-z0-9_])NRJS-[a-f0-9]{19}(?![A-Za-z0-9])/dg, 'newrelic-key'],
  ['NRII-', /(?<![A-Za-z0-9_])NRII-[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/dg, 'newrelic-key'],
  ['NRAL', /(?<![A-Za-z0-9_])[a-f0-9]{36}NRAL(?![A-Za-z0-9])/dg, 'newrelic-key'],
  // Square access tokens and OAuth secrets.
  ['EAAA', /(?<![A-Za-z0-9_])EAAA[A-Za-z0-9_-]{60}(?![A-Za-z0-9_-])/dg, 'square-token'],
  ['sq0atp-', /(?<![A-Za-z0-9_])sq0atp-[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/dg, 'square-token'],
  ['sq0csp-', /(?<![A-Za-z0-9_])sq0csp-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/dg, 'square-secret'],
  // Alibaba Cloud AccessKey ids (their secrets have no shape: the keyword layer sees them).
  ['LTAI', /(?<![A-Za-z0-9_])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/dg, 'alibaba-access-key-id'],
  // age identities (Bech32 after the fixed prefix).
  [
    'AGE-SECRET-KEY-1',
    /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/dg,
    'age-secret-key',
  ],
  // PlanetScale passwords, service tokens and OAuth tokens.
  [
    'pscale_',
    /(?<![A-Za-z0-9_])pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.=-]{32,64}/dg,
    'planetscale-token',
  ],
];

export function findPrefixedTokens(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const [needle, re, kind] of RULES) {
    if (!text.includes(needle)) continue;
    for (const c of regexCandidates(text, re, kind, 'vendor')) out.push(c);
  }
  return out;
}
