import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  correlate,
  createLogAggregator,
  decodeLine,
  decodeLog,
  logConfidence,
  SOURCE_KINDS,
} from '../../workers/engine/logs/index.ts';
import { corpusLines } from './corpus.ts';

/** Pieces real lines are made of, so generated lines get deep into every decoder. */
const PIECES = [
  '2024/01/02 03:04:05 ',
  '[error] ',
  '[warn] ',
  '7#7: ',
  '*12 ',
  'upstream prematurely closed connection',
  'upstream timed out (110: Connection timed out)',
  'connect() to unix:/run/a.sock failed (111: Connection refused)',
  'recv() failed (104',
  ' while reading response header from upstream',
  ' while connecting to upstream',
  ', client: ',
  '::ffff:10.0.0.1',
  ', server: ',
  ', request: "',
  'GET /x HTTP/1.1',
  '", upstream: "',
  'http://[::1]:8080/',
  'uwsgi://unix:///tmp/a.sock:',
  '", host: "',
  '"',
  '> ',
  'web_1  | ',
  'Jan 02 03:04:05 host nginx[1]: ',
  '[pod/a/b] ',
  '{"log":"',
  '\\"',
  '","stream":"stderr"}',
  '[2024-01-02 03:04:05 +0000] [1] [CRITICAL] ',
  'WORKER TIMEOUT (pid:1)',
  'Tue Jan  2 03:04:05 2024 - ',
  '*** HARAKIRI ON WORKER 1 (pid: 2, try: 1) ***',
  '[ 12.5] ',
  'Killed process 1 (x) total-vm:1kB',
  '  Warning  Unhealthy  3m  kubelet  ',
  'Readiness probe failed: ',
  'a 0/1 OOMKilled 1 (5s ago) 2m',
  '[02-Jan-2024 03:04:05] WARNING: [pool www] ',
  '1.2.3.4 - - [02/Jan/2024:03:04:05 +0000] "',
  '" 502 1 "-" "-"',
  ' ',
  '\t',
  '\r',
  '\\',
  '\u001b[31m',
];

const pieced = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 24 })
  .map((parts) => parts.join(''));
const anyLine = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  pieced,
);

describe('fuzz: decoding never throws and always ends', () => {
  it('decodeLine on arbitrary and line-like text', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const e = decodeLine(line);
        if (e) {
          // only kinds the knowledge base explains, never an invented one
          expect(SOURCE_KINDS[e.source]).toContain(e.kind);
          if (e.time) expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeLine on every corpus line cut at every length (truncation mid-field)', () => {
    for (const { text } of corpusLines()) {
      for (let end = 0; end <= text.length; end += 3) decodeLine(text.slice(0, end));
    }
  });

  it('decodeLine with arbitrary log_format strings from the config', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        pieced,
        fc.constantFrom('$', '${', '$a$b', '"$request" $status', '[$time_local]'),
        (format, line, extra) => {
          decodeLine(line, { accessLogFormats: { f: format + extra, g: extra + format } });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodeLog, logConfidence, correlate and the aggregator on arbitrary pastes', () => {
    fc.assert(
      fc.property(
        fc.array(anyLine, { maxLength: 30 }),
        fc.integer({ min: 1, max: 50 }),
        (lines, step) => {
          const text = lines.join('\n');
          const { events } = decodeLog('f', text);
          const c = logConfidence(text);
          expect(c).toBeGreaterThanOrEqual(0);
          expect(c).toBeLessThanOrEqual(1);
          correlate(events);
          const agg = createLogAggregator('f');
          for (let i = 0; i < text.length; i += step) agg.push(text.slice(i, i + step));
          expect(agg.end().counters.events).toBe(events.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finishes on inputs built to make regular expressions backtrack', () => {
    const evil = [
      ' '.repeat(20_000) + 'x',
      '  Warning  ' + 'a  '.repeat(5000),
      'a'.repeat(16_000) + '(): ' + ' ['.repeat(3000),
      '2024/01/02 03:04:05 [error] 1#1: *1 ' + ', client: '.repeat(3000),
      '{"log":"' + '\\"'.repeat(8000),
      '> '.repeat(8000) + 'x',
      'x invoked oom-killer: '.repeat(1000),
      '1.2.3.4 - - [' + '0'.repeat(10_000),
      'Jan 02 03:04:05 h p: '.repeat(2000),
      '[pid: 1|app: 0|req: 1/1] ' + '() '.repeat(5000),
    ];
    for (const line of evil) decodeLine(line);
    const fmt = {
      accessLogFormats: { u: '$upstream_addr $upstream_status $request_time', v: '$a$b$c$d $e' },
    };
    decodeLine('1, '.repeat(5000) + ' : '.repeat(2000) + '!', fmt);
    decodeLine('a'.repeat(16_000) + '!', fmt); // adjacent variables used to go polynomial
    decodeLine('0'.repeat(16_000) + '(): x', fmt); // \w+\(\) scanned from every position
  });
});
