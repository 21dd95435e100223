/**
 * The six event-driven rules on real pasted lines (../shared/corpus/errors.tsv), each line
 * alone with no config: which cause it gets is labelled here by hand from the message text,
 * and the whole corpus pasted at once never makes the rules throw. Also a fast-check property:
 * arbitrary configs and log lines mixed with the rules' trigger lines never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { corpusLines } from '../logs/corpus.ts';

const MINE = new Set([
  'body-limit',
  'header-size',
  'protocol-mismatch',
  'address-mismatch',
  'backend-down',
  'backlog-full',
]);

/** Hand labels: what the message says → the cause it must get (null: none of these six). */
function label(text: string): string | null {
  if (/client intended to send too large body: \d+ bytes/i.test(text)) return 'body-limit';
  const block = /invalid request block size: (\d+)/.exec(text);
  // 21573 is "GET " read as a uwsgi header: a protocol mismatch, not a big header.
  if (block) return block[1] === '21573' ? 'protocol-mismatch' : 'header-size';
  if (/\[error\].*upstream sent too big header/i.test(text)) return 'header-size';
  // The errno alone counts: pasted lines are often cut inside the error text.
  if (/connect\(\) (to \S+ )?failed \(11\b/.test(text)) return 'backlog-full';
  if (/connect\(\) (to \S+ )?failed \((111|2)\b/.test(text)) return 'backend-down';
  return null;
}

const lines = corpusLines();

describe('real pasted lines (no config)', () => {
  const labelled = lines.filter((l) => label(l.text) !== null);
  it('the corpus has lines for these causes', () => {
    const causes = new Set(labelled.map((l) => label(l.text)));
    expect(causes).toEqual(
      new Set(['body-limit', 'header-size', 'backlog-full', 'backend-down', 'protocol-mismatch']),
    );
  });
  for (const l of labelled) {
    it(`${l.label} (errors.tsv:${l.line}) → ${label(l.text)}`, () => {
      const report = analyze([{ name: 'error.log', text: l.text + '\n' }]);
      const mine = report.findings.filter((f) => MINE.has(f.rule));
      // A line the decoder cannot place (no upstream, cut short) may stay unexplained,
      // but it must never be claimed by another of these causes.
      expect(mine.every((f) => f.cause === label(l.text))).toBe(true);
      if (report.events.some((e) => e.kind !== 'other')) {
        expect(mine.map((f) => f.cause)).toContain(label(l.text));
        expect(mine.every((f) => f.fix?.safety === 'manual')).toBe(true);
      }
    });
  }
  it('no other corpus line gets one of these causes', () => {
    for (const l of lines) {
      if (label(l.text) !== null) continue;
      const report = analyze([{ name: 'error.log', text: l.text + '\n' }]);
      const mine = report.findings.filter((f) => MINE.has(f.rule));
      expect(mine, `${l.label}: ${l.text}`).toEqual([]);
    }
  });
  it('the whole corpus at once does not throw', () => {
    const text = lines.map((l) => l.text).join('\n');
    expect(() => analyze([{ name: 'error.log', text }])).not.toThrow();
  });
});

const TRIGGERS = [
  '2024/05/02 10:11:12 [error] 1#1: *1 client intended to send too large body: 9999999 bytes, client: 1.2.3.4, server: a, request: "POST /u HTTP/1.1", host: "a"',
  'Thu May  2 10:11:12 2024 - invalid request block size: 5000 (max 4096)...skip',
  '2024/05/02 10:11:12 [error] 1#1: *1 upstream sent too big header while reading response header from upstream, client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"',
  '2024/05/02 10:11:12 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", upstream: "http://[::1]:8000/", host: "a"',
  '2024/05/02 10:11:12 [error] 1#1: *1 connect() to unix:/run/a.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", upstream: "uwsgi://unix:/run/a.sock:", host: "a"',
];
const CONFIG_BITS = [
  'upstream app { server localhost:8000; }',
  'server { server_name a ~^x; location / { proxy_pass http://app; } }',
  'server { location ~ ( { uwsgi_pass unix:/run/a.sock; } }',
  'server { location = / { proxy_pass https://10.0.0.1:8443; client_max_body_size 1k; } }',
  'server { listen 443 default_server; location ^~ /u { proxy_buffer_size 4k; proxy_pass http://127.0.0.1:8000; } }',
];

describe('robustness', () => {
  it('arbitrary configs and logs around the trigger lines never throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...CONFIG_BITS), fc.string()), { maxLength: 4 }),
        fc.array(fc.oneof(fc.constantFrom(...TRIGGERS), fc.string()), { maxLength: 6 }),
        fc.constantFrom(
          'bind = "127.0.0.1:8000"\n',
          '[uwsgi]\nsocket = :8000\nbuffer-size = x\nlisten = -1\n',
          '[uwsgi]\nhttp-socket = /run/a.sock\nlimit-post = 10\n',
          '',
        ),
        (conf, logs, app) => {
          const files = [
            { name: 'app.conf', text: conf.join('\n') },
            { name: 'error.log', text: logs.join('\n') },
          ];
          if (app)
            files.push({ name: app.startsWith('[') ? 'uwsgi.ini' : 'gunicorn.conf.py', text: app });
          analyze(files, { unsafe: true });
        },
      ),
      { numRuns: 150 },
    );
  });
});
