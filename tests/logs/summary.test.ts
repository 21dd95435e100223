import { describe, expect, it } from 'vitest';
import { correlate, decodeLog, summarizeIncident } from '../../workers/engine/logs/index.ts';

describe('summarizeIncident', () => {
  it('says what failed, where, how often, since when and what happened just before', () => {
    const err = [
      '2024/01/02 03:04:05 [error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream, client: 1.1.1.1, server: _, request: "POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:8000/api/orders", host: "x"',
      '2024/01/02 03:04:09 [error] 7#7: *2 upstream prematurely closed connection while reading response header from upstream, client: 1.1.1.1, server: _, request: "POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:8000/api/orders", host: "x"',
    ].join('\n');
    const gun = '2024-01-02 03:04:04 [1] [CRITICAL] WORKER TIMEOUT (pid:1344)';
    const events = [
      ...decodeLog('error.log', err).events,
      ...decodeLog('gunicorn.log', gun).events,
    ];
    const s = summarizeIncident(correlate(events)[0]!);
    expect(s).toEqual({
      headline: 'Upstream closed the connection early: 2 times on http://127.0.0.1:8000',
      where: 'waiting for the response header (2)',
      when: 'from 2024-01-02T03:04:05 to 2024-01-02T03:04:09',
      routes: ['POST /api/orders (2)'],
      before: ['gunicorn killed a worker for timeout, 1 s before (gunicorn.log:1)'],
    });
  });

  it('describes access-only incidents by status and untimed ones without a time', () => {
    const access = decodeLog(
      'access.log',
      '1.1.1.1 - - [02/Jan/2024:03:04:05 +0000] "GET / HTTP/1.1" 504 0 "-" "c"',
    ).events;
    expect(summarizeIncident(correlate(access)[0]!).headline).toBe('HTTP 504: once');
    const bare = decodeLog('p', 'no live upstreams while connecting to upstream').events;
    const s = summarizeIncident(correlate(bare)[0]!);
    expect([s.headline, s.when, s.where]).toEqual([
      'No live upstreams: once',
      null,
      'connecting to the upstream (1)',
    ]);
  });
});
