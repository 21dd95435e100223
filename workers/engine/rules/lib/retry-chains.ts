/**
 * Requests nginx passed to more than one server. The error log has one line per failed try,
 * all with the same `*N` connection number and request line, each naming the server tried; the
 * access log lists every server tried in $upstream_addr ("10.0.0.1:80, 10.0.0.2:80").
 */
import type { LogEvent } from '../../model.ts';
import { parseUpstream } from '../../logs/index.ts';
import { wallSeconds } from './event-time.ts';
import { normaliseAddress, routeKeys } from './event-index.ts';
import type { Route } from '../../topology/index.ts';

export interface RetryChain {
  method?: string;
  path?: string;
  /** Servers tried, in order, without repeats. */
  addresses: string[];
  events: LogEvent[];
}

/** Tries of one request are minutes apart at most (a few read timeouts). */
const WINDOW_SECONDS = 600;

const chainCache = new WeakMap<readonly LogEvent[], RetryChain[]>();

/** Computed once per event list (the fix stage re-analyses with the same events). */
export function retryChains(events: readonly LogEvent[]): RetryChain[] {
  let chains = chainCache.get(events);
  if (!chains) {
    chains = findChains(events);
    chainCache.set(events, chains);
  }
  return chains;
}

function findChains(events: readonly LogEvent[]): RetryChain[] {
  const open = new Map<string, { chain: RetryChain; last: number | null }>();
  const chains: RetryChain[] = [];
  for (const e of events) {
    if (e.source === 'nginx-access') {
      const tries = Number(e.fields?.upstreamTries ?? 0);
      if (tries >= 2 && e.upstream) {
        const addresses = distinct(e.upstream.split(/, | : /).map((a) => a.trim()));
        if (addresses.length >= 2) chains.push({ ...request(e), addresses, events: [e] });
      }
      continue;
    }
    if (e.source !== 'nginx-error' || e.fields?.connection === undefined || !e.upstream) continue;
    const key = `${e.file}|${e.fields.pid ?? ''}|${e.fields.connection}|${e.method ?? ''} ${e.path ?? ''}`;
    const address = parseUpstream(e.upstream)?.address ?? e.upstream;
    const t = wallSeconds(e);
    const current = open.get(key);
    if (
      current &&
      (t === null || current.last === null || Math.abs(t - current.last) <= WINDOW_SECONDS)
    ) {
      current.chain.events.push(e);
      if (!current.chain.addresses.includes(address)) current.chain.addresses.push(address);
      current.last = t ?? current.last;
      continue;
    }
    const chain: RetryChain = { ...request(e), addresses: [address], events: [e] };
    open.set(key, { chain, last: t });
    chains.push(chain);
  }
  return chains.filter((c) => c.addresses.length >= 2);
}

function request(e: LogEvent): Pick<RetryChain, 'method' | 'path'> {
  return { ...(e.method ? { method: e.method } : {}), ...(e.path ? { path: e.path } : {}) };
}

function distinct(list: string[]): string[] {
  return [...new Set(list.filter(Boolean))];
}

/** "POST /orders: 10.0.0.1:80 → 10.0.0.2:80 ×3" for messages. */
export function describeChains(chains: RetryChain[]): string {
  const counts = new Map<string, number>();
  for (const c of chains) {
    const text = `${c.method ?? '?'} ${c.path ?? '?'}: ${c.addresses.join(' → ')}`;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts]
    .slice(0, 3)
    .map(([text, n]) => (n > 1 ? `${text} ×${n}` : text))
    .join('; ');
}

/** Chains by the servers they tried, so each route finds its own without a scan. */
export function chainIndex(chains: readonly RetryChain[]): Map<string, RetryChain[]> {
  const out = new Map<string, RetryChain[]>();
  for (const c of chains) {
    for (const a of new Set(
      c.addresses.map((x) => normaliseAddress(parseUpstream(x)?.address ?? x)),
    )) {
      const list = out.get(a);
      if (list) list.push(c);
      else out.set(a, [c]);
    }
  }
  return out;
}

export function chainsOnRoute(index: Map<string, RetryChain[]>, route: Route): RetryChain[] {
  const found = new Set<RetryChain>();
  for (const key of routeKeys(route)) for (const c of index.get(key) ?? []) found.add(c);
  return [...found];
}
