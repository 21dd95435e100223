import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlate, createLogAggregator, decodeLog } from '../../workers/engine/logs/index.ts';

function errorLog(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 60;
    const m = Math.floor(i / 60) % 60;
    const t = `2024/01/02 03:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    const port = 8000 + (i % 3);
    if (i % 7 === 0) out.push(`${t.replace(/\//g, '-')} [1] [CRITICAL] WORKER TIMEOUT (pid:${i})`);
    else if (i % 11 === 0) out.push('  File "app.py", line 12, in handler');
    else
      out.push(
        `${t} [error] 7#7: *${i} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.${i % 250}, server: _, request: "GET /r${i % 5}?q=${i} HTTP/1.1", upstream: "http://127.0.0.1:${port}/r${i % 5}", host: "x"`,
      );
  }
  return out.join('\n') + '\n';
}

function aggregate(text: string, cuts: number[]) {
  const agg = createLogAggregator('error.log');
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    agg.push(text.slice(from, cut));
    from = cut;
  }
  agg.push(text.slice(from));
  return agg.end();
}

describe('createLogAggregator', () => {
  const text = errorLog(400);

  it('gives the same incidents as decodeLog + correlate on a time-ordered log', () => {
    const whole = aggregate(text, []);
    const { events, unrecognised } = decodeLog('error.log', text);
    expect(whole.incidents).toEqual(correlate(events));
    expect(whole.counters.events).toBe(events.length);
    expect(whole.counters.unrecognised).toBe(unrecognised.length);
    expect(whole.unrecognised).toEqual(unrecognised);
  });

  it('does not depend on where chunks split lines (property)', () => {
    const reference = aggregate(text, []);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 30 }), (cuts) => {
        const got = aggregate(text, cuts);
        expect(got.incidents).toEqual(reference.incidents);
        expect(got.counters).toEqual(reference.counters);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a bounded sample and exact counters', () => {
    const big = errorLog(5000);
    const r = aggregate(big, [1000, 77777]);
    expect(r.counters.lines).toBe(5000); // a final newline ends the last line
    expect(r.counters.sampled).toBe(true);
    // 3 upstreams share one kind: first 5 + last 5 nginx events
    const agg = createLogAggregator('e', undefined, { samplePerKind: 5, maxContext: 50 });
    agg.push(big);
    const small = agg.end();
    expect(small.events.filter((e) => e.source === 'nginx-error')).toHaveLength(10);
    // all other-source events up to the cap, then first/last N of the rest like any kind
    expect(small.events.filter((e) => e.source === 'gunicorn')).toHaveLength(50 + 5 + 5);
    expect(small.counters.kinds['nginx-error:premature-close']).toBe(
      decodeLog('e', big).events.filter((e) => e.kind === 'premature-close').length,
    );
    const total = small.incidents.reduce((n, i) => n + i.count, 0);
    expect(total).toBe(small.counters.kinds['nginx-error:premature-close']);
  });

  it('decodes CRLF, a last line without newline, and a line far over the limit', () => {
    const agg = createLogAggregator('e');
    agg.push('upstream prematurely closed connection while reading upstream\r\n');
    agg.push('x'.repeat(50_000));
    agg.push(
      'y'.repeat(50_000) + '\nupstream prematurely closed connection while reading upstream',
    );
    const r = agg.end();
    expect(r.counters).toMatchObject({ lines: 3, events: 2, unrecognised: 1 });
    expect(r.unrecognised).toEqual([2]);
    expect(r.events.map((e) => e.line)).toEqual([1, 3]);
  });

  it('refuses push after end', () => {
    const agg = createLogAggregator('e');
    agg.end();
    expect(() => agg.push('x')).toThrow();
  });
});
