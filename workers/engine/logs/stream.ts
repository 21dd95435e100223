import type { Incident, LogEvent } from '../model.ts';
import { decodeWith, MAX_LINE } from './decode.ts';
import { DEFAULT_OPTIONS, IncidentBuilder, isContext, isFailure } from './incidents.ts';
import { isResponseLine } from './kinds.ts';
import { formatsFor } from './nginx-access.ts';
import { placeSyslogTime, toInstant } from './time.ts';
import type { LogContext } from './types.ts';

/**
 * Streaming decode for logs too big to hold (a 200 MB error.log): chunks may split lines
 * anywhere; memory stays bounded because events are aggregated into incidents and counters,
 * and only a sample of events is kept. Progress is the caller's (characters pushed / total).
 */

export interface AggregateOptions {
  /** The nginx upstream block a server address belongs to (incidents are grouped by it). */
  groupOf?: (address: string) => string | null;
  /** Events kept per source:kind from the start of the log and from its end. */
  samplePerKind?: number;
  /** App-server/kernel/orchestrator events kept (all of them up to this many). */
  maxContext?: number;
  /** Unrecognised line numbers kept. */
  maxUnrecognised?: number;
}

export interface AggregateResult {
  incidents: Incident[];
  /** A bounded sample: first/last N per source:kind, and other-source events up to a cap. */
  events: LogEvent[];
  /** The first unrecognised line numbers (1-based), up to the cap; `counters` has the total. */
  unrecognised: number[];
  counters: {
    lines: number;
    /** Characters pushed (UTF-16 code units). */
    chars: number;
    events: number;
    unrecognised: number;
    /** "source:kind" -> count, over the whole log. */
    kinds: Record<string, number>;
    /** True when `events` is not every event. */
    sampled: boolean;
  };
}

export interface LogAggregator {
  push(chunk: string): void;
  end(): AggregateResult;
}

export function createLogAggregator(
  file: string,
  ctx?: LogContext,
  options: AggregateOptions = {},
): LogAggregator {
  const perKind = options.samplePerKind ?? 20;
  const maxContext = options.maxContext ?? 2000;
  const maxUnrecognised = options.maxUnrecognised ?? 1000;
  const formats = formatsFor(ctx?.accessLogFormats);
  // Untimed events do not depend on the basis, so it can be decided at the first timed line.
  const builder = new IncidentBuilder({
    ...DEFAULT_OPTIONS,
    ...(options.groupOf ? { groupOf: options.groupOf } : {}),
  });
  let basis: 'wall' | 'abs' | undefined;
  let lastWall: number | undefined;

  const heads = new Map<string, LogEvent[]>();
  const tails = new Map<string, LogEvent[]>();
  const context: LogEvent[] = [];
  const unrecognised: number[] = [];
  const counters: AggregateResult['counters'] = {
    lines: 0,
    chars: 0,
    events: 0,
    unrecognised: 0,
    kinds: {},
    sampled: false,
  };
  let buffer = '';
  let skipping = false;
  let ended = false;

  function feed(e: LogEvent, t: number | undefined, time?: string): void {
    if (isFailure(e)) builder.addFailure(e, t, time);
    else if (isContext(e)) builder.addContext(e, t);
  }

  function place(e: LogEvent): void {
    let t: number | undefined;
    let time = e.time;
    const i = e.time ? toInstant(e.time) : undefined;
    if (i) {
      if (!basis) {
        // The first timed line decides the basis, as correlate() decides it for a whole paste.
        basis = i.abs !== undefined ? 'abs' : 'wall';
        builder.setBasis(basis);
      }
      t = basis === 'abs' ? (i.abs ?? i.wall) : i.wall;
      lastWall = i.wall;
    } else if (typeof e.fields?.syslogTime === 'string' && lastWall !== undefined) {
      time = placeSyslogTime(e.fields.syslogTime, lastWall);
      t = time ? toInstant(time)?.wall : undefined;
    }
    feed(e, t, time);
  }

  function sample(e: LogEvent): void {
    const key = `${e.source}:${e.kind}`;
    counters.kinds[key] = (counters.kinds[key] ?? 0) + 1;
    if (e.source !== 'nginx-error' && !isResponseLine(e) && context.length < maxContext) {
      context.push(e);
      return;
    }
    const head = heads.get(key) ?? [];
    heads.set(key, head);
    if (head.length < perKind) {
      head.push(e);
      return;
    }
    counters.sampled = true;
    const tail = tails.get(key) ?? [];
    tails.set(key, tail);
    tail.push(e);
    if (tail.length > perKind) tail.shift();
  }

  function line(raw: string): void {
    counters.lines++;
    // A slice of a chunk keeps the whole chunk alive (V8 sliced strings), and kept events hold
    // slices of their line: copy the line out of the chunk so only it can be retained.
    // (Slicing a concatenation flattens it into a new string of the line's size.)
    const text = (raw + ' ').slice(0, -1);
    const content = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (!content.trim()) return;
    const ev = decodeWith(content, formats);
    if (!ev) {
      counters.unrecognised++;
      if (unrecognised.length < maxUnrecognised) unrecognised.push(counters.lines);
      return;
    }
    const e: LogEvent = { file, line: counters.lines, ...ev };
    counters.events++;
    sample(e);
    place(e);
  }

  return {
    push(chunk: string): void {
      if (ended) throw new Error('push() after end()');
      counters.chars += chunk.length;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl < 0) break;
        const piece = chunk.slice(start, nl);
        if (skipping) skipping = false;
        else line(buffer + piece);
        buffer = '';
        start = nl + 1;
      }
      if (!skipping) buffer += chunk.slice(start);
      // A line with no end in sight: keep its head (decoded as truncated), drop the rest.
      if (buffer.length > MAX_LINE) {
        line(buffer.slice(0, MAX_LINE + 1));
        buffer = '';
        skipping = true;
      }
    },
    end(): AggregateResult {
      if (!ended) {
        ended = true;
        if (buffer.length && !skipping) line(buffer);
        buffer = '';
      }
      const events = [...context];
      for (const [key, head] of heads) events.push(...head, ...(tails.get(key) ?? []));
      events.sort((a, b) => a.line - b.line);
      return { incidents: builder.build(), events, unrecognised: [...unrecognised], counters };
    },
  };
}
