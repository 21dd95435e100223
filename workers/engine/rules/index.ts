/**
 * Stage 6, rules: every rule over the topology and the decoded events. One rule per file;
 * add new ones to `rules` below.
 */
import type { Rule, RuleContext, RuleHit } from './types.ts';
import { protocolMismatch } from './protocol-mismatch.ts';
import { backlogFull } from './backlog-full.ts';
import { backendDown } from './backend-down.ts';
import { addressMismatch } from './address-mismatch.ts';
import { headerSize } from './header-size.ts';
import { bodyLimit } from './body-limit.ts';
import { keepaliveInert } from './keepalive-inert.ts';
import { keepaliveRace } from './keepalive-race.ts';
import { upgradeHeader } from './upgrade-header.ts';
import { retryPolicy } from './retry-policy.ts';
import { workerRecycle } from './worker-recycle.ts';
import { appTimeout } from './app-timeout.ts';
import { oomKill } from './oom-kill.ts';
import { proxyTimeout } from './proxy-timeout.ts';
import { deployTermination } from './deploy-termination.ts';
import { permissionDenied } from './permission-denied.ts';
import { edgeTimeout } from './edge-timeout.ts';

export const rules: Rule[] = [
  keepaliveInert,
  keepaliveRace,
  upgradeHeader,
  retryPolicy,
  workerRecycle,
  bodyLimit,
  appTimeout,
  headerSize,
  oomKill,
  addressMismatch,
  proxyTimeout,
  backendDown,
  backlogFull,
  protocolMismatch,
  deployTermination,
  permissionDenied,
  edgeTimeout,
];

export interface Hit {
  rule: Rule;
  hit: RuleHit;
}

export function runRules(context: RuleContext): Hit[] {
  return rules.flatMap((rule) => rule.check(context).map((hit) => ({ rule, hit })));
}
