/** Body limits on both sides: nginx's 413 lines (plain and chunked) and uWSGI's limit-post. */
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../workers/engine/logs/index.ts';
import { explainEvent } from '../../workers/engine/knowledge/events.ts';

describe('body limit lines', () => {
  it('nginx: a chunked body over the limit counts what was read plus the chunk', () => {
    const event = decodeLine(
      '2026/01/02 03:04:05 [error] 7#7: *3 client intended to send too large chunked body: 1048576+32768 bytes, client: 192.0.2.1, server: a, request: "POST /up HTTP/1.1", host: "a"',
    );
    expect(event).toMatchObject({ source: 'nginx-error', kind: 'body-too-large', path: '/up' });
    expect(event!.fields!.bytes).toBe(1048576 + 32768);
  });

  it('nginx: a plain body over the limit keeps its size', () => {
    const event = decodeLine(
      '2026/01/02 03:04:05 [error] 7#7: *3 client intended to send too large body: 5242880 bytes, client: 192.0.2.1, server: a, request: "POST /up HTTP/1.1", host: "a"',
    );
    expect(event!.fields!.bytes).toBe(5242880);
  });

  it('uWSGI: limit-post exceeded is a body-too-large event with an explanation', () => {
    expect(decodeLine('Invalid (too big) CONTENT_LENGTH. skip.')).toMatchObject({
      source: 'uwsgi',
      kind: 'body-too-large',
    });
    expect(explainEvent('uwsgi', 'body-too-large')?.title).toMatch(/limit-post/);
  });
});
