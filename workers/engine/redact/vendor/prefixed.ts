/**
 * Other tokens that announce themselves with a fixed prefix, common in ops configs: HashiCorp
 * Vault, Docker Hub, Sentry, Grafana, DigitalOcean, Hugging Face, Shopify, Doppler, Postman,
 * Atlassian, Linear, Databricks. A prefix plus a long random tail is unambiguous, so no context
 * is needed.
 */
import type { Candidate } from '../types.ts';
import { regexCandidates } from '../scan.ts';

const RULES: [RegExp, string][] = [
  [/(?<![A-Za-z0-9_])hv[sbr]\.[A-Za-z0-9_-]{24,200}/dg, 'vault-token'],
  [/(?<![A-Za-z0-9_])dckr_pat_[A-Za-z0-9_-]{27,60}/dg, 'docker-hub-token'],
  [/(?<![A-Za-z0-9_])sntry[su]_[A-Za-z0-9+/=_-]{40,300}/dg, 'sentry-token'],
  [/(?<![A-Za-z0-9_])gl(?:sa|c)_[A-Za-z0-9_+/=-]{32,200}/dg, 'grafana-token'],
  [/(?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64}/dg, 'digitalocean-token'],
  [/(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,40}(?![A-Za-z0-9])/dg, 'huggingface-token'],
  [/(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/dg, 'shopify-token'],
  [/(?<![A-Za-z0-9_])dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,50}/dg, 'doppler-token'],
  [/(?<![A-Za-z0-9_])PMAK-[a-f0-9]{24}-[a-f0-9]{34}/dg, 'postman-api-key'],
  [/(?<![A-Za-z0-9_])ATATT3[A-Za-z0-9_=-]{180,200}/dg, 'atlassian-token'],
  [/(?<![A-Za-z0-9_])lin_api_[A-Za-z0-9]{40}/dg, 'linear-api-key'],
  [/(?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9])/dg, 'databricks-token'],
];

export function findPrefixedTokens(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const [re, kind] of RULES)
    for (const c of regexCandidates(text, re, kind, 'vendor')) out.push(c);
  return out;
}
