/** Huge logs go through the streaming path: bounded, redacted line by line, with progress. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { streamLog } from '../../workers/engine/pipeline/stream.ts';
import { STREAM_THRESHOLD_BYTES } from '../../workers/engine/model.ts';
import { correlate, decodeLog } from '../../workers/engine/logs/index.ts';

const line = (i: number, query = '') =>
  `2026/05/06 07:${String(8 + (i % 50)).padStart(2, '0')}:09 [error] 12#12: *${i} upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.${i % 250}, server: a.test, request: "POST /api/orders${query} HTTP/1.1", upstream: "http://127.0.0.1:8000/api/orders", host: "a.test"\n`;

// A token-looking value built at test time (never a real secret in the repo).
const canary = ['ghp', '_', 'Zq9', 'X'.repeat(33)].join('');

function bigLog(): { text: string; blob: Blob } {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < STREAM_THRESHOLD_BYTES + 1_000_000; i++) {
    const l = line(i, i === 5000 ? `?access_token=${canary}` : '');
    parts.push(l);
    size += l.length;
  }
  const text = parts.join('');
  return { text, blob: new Blob([text]) };
}

describe('streamLog', () => {
  const { text, blob } = bigLog();

  it('counts what decoding the whole text counts, keeps a bounded sample and reports progress', async () => {
    const progress: number[] = [];
    const streamed = await streamLog('error.log', blob, [], (p) => progress.push(p.done));
    const whole = decodeLog('error.log', text);
    expect(streamed.result.counters.events).toBe(whole.events.length);
    expect(streamed.result.incidents.reduce((n, i) => n + i.count, 0)).toBe(
      correlate(whole.events).reduce((n, i) => n + i.count, 0),
    );
    expect(streamed.result.events.length).toBeLessThan(whole.events.length / 10);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(blob.size);
  });

  it('redacts secrets before anything is kept, with the line they were on', async () => {
    const streamed = await streamLog('error.log', blob, []);
    const report = analyze([], {}, [streamed]);
    expect(JSON.stringify(report)).not.toContain(canary.slice(4, 20));
    expect(report.redactions).toContainEqual(
      expect.objectContaining({ file: 'error.log', line: 5001 }),
    );
    expect(report.files).toContainEqual(
      expect.objectContaining({
        name: 'error.log',
        kind: 'log',
        stats: expect.objectContaining({ sampled: true }),
      }),
    );
    expect(report.incidents!.length).toBeGreaterThan(0);
  });

  it('groups incidents by the upstream block the config defines, as for a log analysed whole', async () => {
    const conf = {
      name: 'app.conf',
      text: `upstream app {\n    server 127.0.0.1:8000;\n    server 127.0.0.1:8001;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n    }\n}\n`,
    };
    // Failures on both servers of the block, and on a server of no block.
    const log = Array.from({ length: 300 }, (_, i) =>
      line(i).replace('127.0.0.1:8000', `127.0.0.1:${['8000', '8001', '9000'][i % 3]}`),
    ).join('');
    const shape = (r: ReturnType<typeof analyze>) =>
      r
        .incidents!.map((i) => [i.upstream, i.count])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const whole = analyze([conf, { name: 'error.log', text: log }]);
    const streamed = analyze([conf], {}, [await streamLog('error.log', new Blob([log]), [conf])]);
    expect(shape(whole)).toEqual([
      ['http://127.0.0.1:9000', 100],
      ['upstream app', 200],
    ]);
    expect(shape(streamed)).toEqual(shape(whole));
  });
});
