import type { Incident, LogEvent } from '../model.ts';
import { FAILURE_STATUSES, NGINX_FAILURE_KINDS, isResponseLine } from './kinds.ts';
import { fromSeconds } from './time.ts';
import { parseUpstream } from './upstream.ts';

/**
 * Incremental incident building with bounded memory, shared by `correlate` (all events, sorted)
 * and the streaming aggregator (events in file order), so both give the same incidents.
 */

export interface BuilderOptions {
  /** How long before a failure another source's event still counts as related. */
  windowSeconds: number;
  /** Same-second lines may be logged in either order: allow this much "after". */
  afterSeconds: number;
  maxRelated: number;
  maxRoutes: number;
  maxUntimed: number;
  maxBuckets: number;
  basis: 'wall' | 'abs';
  /**
   * The upstream group a server address belongs to (from the nginx config: `upstream shop {
   * server 10.0.0.1:80; server 10.0.0.2:80; }`), so failures on its servers and on the group
   * name form one incident. Null or absent: group by address.
   */
  groupOf?: (address: string) => string | null;
}

export const DEFAULT_OPTIONS: BuilderOptions = {
  windowSeconds: 10,
  afterSeconds: 1,
  maxRelated: 50,
  maxRoutes: 1000,
  maxUntimed: 20,
  maxBuckets: 60,
  basis: 'wall',
};

/** Bucket widths the timeline may use, in seconds. */
const LADDER = [1, 10, 60, 300, 900, 3600, 21600, 86400, 604800];
/** Live bucket maps are coarsened above this many buckets (memory bound while streaming). */
const LIVE_BUCKETS = 4096;
const MAX_GROUPS = 500;
const MAX_RECENT = 500;
const OVERFLOW = '\u0000overflow';

export function isFailure(e: LogEvent): boolean {
  if (e.source === 'nginx-error') {
    if (!NGINX_FAILURE_KINDS.has(e.kind)) return false;
    // The client going away while nginx writes to it is not an upstream failure.
    return !(
      e.phase === 'sending-to-client' &&
      (e.kind === 'broken-pipe' || e.kind === 'connection-reset')
    );
  }
  return isResponseLine(e) && e.status !== undefined && FAILURE_STATUSES.has(e.status);
}

/** Events from the app server, kernel or orchestrator worth showing next to failures. */
export function isContext(e: LogEvent): boolean {
  if (e.source === 'nginx-error' || isResponseLine(e)) return false;
  return e.kind !== 'other' && e.kind !== 'request' && e.kind !== 'pod-status';
}

function addressOf(e: LogEvent): string | null {
  const a = e.fields?.upstreamAddress;
  if (typeof a === 'string') return a;
  if (e.upstream) return parseUpstream(e.upstream)?.address ?? e.upstream;
  return null;
}

function displayOf(e: LogEvent, address: string | null): string | null {
  if (!address) return null;
  const scheme = e.fields?.scheme;
  return typeof scheme === 'string' ? `${scheme}://${address}` : address;
}

interface Group {
  address: string | null;
  upstream: string | null;
  errors: number;
  responses: number;
  kinds: Record<string, number>;
  phases: Record<string, number>;
  statuses: Record<string, number>;
  routes: Map<string, { method?: string; path: string; count: number }>;
  first?: { t: number; time: string };
  last?: { t: number; time: string };
  lastFailureT?: number;
  related: Map<LogEvent, number>;
  relatedTotal: number;
  size: number;
  buckets: Map<number, Record<string, number>>;
}

function bump(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

export class IncidentBuilder {
  private groups = new Map<string, Group>();
  private recent: { e: LogEvent; t: number }[] = [];
  private untimed: LogEvent[] = [];
  private maxT = -Infinity;

  private opt: BuilderOptions;

  constructor(options: BuilderOptions = DEFAULT_OPTIONS) {
    this.opt = { ...options };
  }

  /** Sets the time basis; only before the first timed event (streaming decides it there). */
  setBasis(basis: 'wall' | 'abs'): void {
    this.opt.basis = basis;
  }

  private group(e: LogEvent): Group {
    const address = addressOf(e);
    const named = address ? (this.opt.groupOf?.(address) ?? null) : null;
    let key = named ? `upstream ${named}` : (address ?? '');
    // Past MAX_GROUPS servers, the rest share one group so memory stays bounded.
    if (!this.groups.has(key) && this.groups.size >= MAX_GROUPS) key = OVERFLOW;
    let g = this.groups.get(key);
    if (!g) {
      g = {
        address: key === OVERFLOW ? null : address,
        upstream: key === OVERFLOW ? '(other upstreams)' : named ? `upstream ${named}` : null,
        errors: 0,
        responses: 0,
        kinds: {},
        phases: {},
        statuses: {},
        routes: new Map(),
        related: new Map(),
        relatedTotal: 0,
        size: LADDER[0]!,
        buckets: new Map(),
      };
      this.groups.set(key, g);
    }
    if (
      key !== OVERFLOW &&
      !named &&
      (!g.upstream || (e.source === 'nginx-error' && !g.upstream.includes('://')))
    ) {
      g.upstream = displayOf(e, address) ?? g.upstream;
    }
    return g;
  }

  private countIn(g: Group, t: number, key: string): void {
    const idx = Math.floor(t / g.size);
    let rec = g.buckets.get(idx);
    if (!rec) {
      rec = {};
      g.buckets.set(idx, rec);
    }
    bump(rec, key);
    if (g.buckets.size > LIVE_BUCKETS) this.coarsen(g, g.size);
  }

  /** Re-buckets to the next wider ladder step (merging counts). */
  private coarsen(g: Group, from: number): void {
    const next = LADDER.find((s) => s > from) ?? from * 2;
    const merged = new Map<number, Record<string, number>>();
    for (const [idx, rec] of g.buckets) {
      const k = Math.floor((idx * g.size) / next);
      const into = merged.get(k) ?? {};
      for (const [kind, n] of Object.entries(rec)) bump(into, kind, n);
      merged.set(k, into);
    }
    g.size = next;
    g.buckets = merged;
  }

  private link(g: Group, e: LogEvent, secondsBefore: number, t: number): void {
    const had = g.related.get(e);
    if (had !== undefined) {
      if (Math.abs(secondsBefore) < Math.abs(had)) g.related.set(e, secondsBefore);
      return;
    }
    g.relatedTotal++;
    if (g.related.size < this.opt.maxRelated) g.related.set(e, secondsBefore);
    this.countIn(g, t, `${e.source}:${e.kind}`);
  }

  private prune(): void {
    const horizon = this.maxT - this.opt.windowSeconds;
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop]!.t < horizon) drop++;
    if (this.recent.length - drop > MAX_RECENT) drop = this.recent.length - MAX_RECENT;
    if (drop) this.recent.splice(0, drop);
  }

  /** A failure: `t` is its time in seconds on the builder's basis (undefined when untimed). */
  addFailure(e: LogEvent, t: number | undefined, time = e.time): void {
    const g = this.group(e);
    if (isResponseLine(e)) {
      g.responses++;
      bump(g.statuses, String(e.status));
    } else {
      g.errors++;
      bump(g.kinds, e.kind);
      if (e.phase) bump(g.phases, e.phase);
    }
    if (e.path !== undefined) {
      const path = e.path.split('?')[0]!;
      const key = `${e.method ?? ''} ${path}`;
      const r = g.routes.get(key);
      if (r) r.count++;
      else if (g.routes.size < this.opt.maxRoutes) {
        g.routes.set(key, e.method ? { method: e.method, path, count: 1 } : { path, count: 1 });
      }
    }
    if (t === undefined || !time) return;
    if (!g.first || t < g.first.t) g.first = { t, time };
    if (!g.last || t >= g.last.t) g.last = { t, time };
    g.lastFailureT = Math.max(g.lastFailureT ?? t, t);
    this.countIn(g, t, isResponseLine(e) ? String(e.status) : e.kind);
    this.maxT = Math.max(this.maxT, t);
    this.prune();
    for (const r of this.recent) {
      const before = t - r.t;
      if (before >= -this.opt.afterSeconds && before <= this.opt.windowSeconds) {
        this.link(g, r.e, before, r.t);
      }
    }
  }

  /** An app-server/kernel/orchestrator event. */
  addContext(e: LogEvent, t: number | undefined): void {
    if (t === undefined) {
      if (this.untimed.length < this.opt.maxUntimed) this.untimed.push(e);
      return;
    }
    this.maxT = Math.max(this.maxT, t);
    this.recent.push({ e, t });
    this.prune();
    for (const g of this.groups.values()) {
      if (g.lastFailureT === undefined) continue;
      const before = g.lastFailureT - t;
      if (before >= -this.opt.afterSeconds && before <= this.opt.windowSeconds) {
        this.link(g, e, before, t);
      }
    }
  }

  build(): Incident[] {
    this.foldAnonymousResponses();
    const out: Incident[] = [];
    for (const g of this.groups.values()) {
      while (g.buckets.size > 0 && this.span(g) > this.opt.maxBuckets) this.coarsen(g, g.size);
      const incident: Incident = {
        upstream: g.upstream,
        address: g.address,
        count: g.errors > 0 ? g.errors : g.responses,
        kinds: g.kinds,
        phases: g.phases,
        routes: [...g.routes.values()].sort((a, b) => b.count - a.count).slice(0, 20),
        related: [...g.related]
          .map(([event, secondsBefore]) => ({
            event,
            secondsBefore: Math.round(secondsBefore * 1000) / 1000,
          }))
          .sort((a, b) => a.secondsBefore - b.secondsBefore),
        relatedTotal: g.relatedTotal,
        timeline: this.timeline(g),
        bucketSeconds: g.size,
      };
      if (Object.keys(g.statuses).length) incident.statuses = g.statuses;
      if (g.first) incident.first = g.first.time;
      if (g.last) incident.last = g.last.time;
      if (this.untimed.length) incident.untimed = [...this.untimed];
      out.push(incident);
    }
    return out.sort((a, b) => b.count - a.count);
  }

  /**
   * Access lines that name no upstream (a log_format without $upstream_addr) beside error-log
   * failures of exactly one upstream are those failed requests seen a second time, not another
   * incident: their statuses join that one, whose count stays the error log's. With several
   * upstreams failing they cannot be placed and stay apart.
   */
  private foldAnonymousResponses(): void {
    const anonymous = this.groups.get('');
    if (!anonymous || anonymous.errors > 0) return;
    const failing = [...this.groups.values()].filter((g) => g !== anonymous && g.errors > 0);
    if (failing.length !== 1) return;
    const into = failing[0]!;
    into.responses += anonymous.responses;
    for (const [status, n] of Object.entries(anonymous.statuses)) bump(into.statuses, status, n);
    this.groups.delete('');
  }

  private span(g: Group): number {
    const keys = [...g.buckets.keys()];
    return Math.max(...keys) - Math.min(...keys) + 1;
  }

  private timeline(g: Group): Incident['timeline'] {
    if (!g.buckets.size) return [];
    const keys = [...g.buckets.keys()];
    const lo = Math.min(...keys);
    const hi = Math.max(...keys);
    const out: Incident['timeline'] = [];
    for (let i = lo; i <= hi; i++) {
      out.push({ start: fromSeconds(i * g.size, this.opt.basis), counts: g.buckets.get(i) ?? {} });
    }
    return out;
  }
}
