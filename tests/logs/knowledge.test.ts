import { describe, expect, it } from 'vitest';
import { EVENT_KNOWLEDGE, PHASE_KNOWLEDGE } from '../../workers/engine/knowledge/events.ts';
import { SOURCE_KINDS } from '../../workers/engine/logs/index.ts';

describe('knowledge: one explanation per source and kind', () => {
  for (const [source, kinds] of Object.entries(SOURCE_KINDS)) {
    it(`${source}: covers exactly the kinds the decoders emit`, () => {
      const known = EVENT_KNOWLEDGE[source as keyof typeof EVENT_KNOWLEDGE];
      expect(Object.keys(known).sort()).toEqual([...kinds].sort());
      for (const [kind, e] of Object.entries(known)) {
        expect(e.title.length, `${source}:${kind} title`).toBeGreaterThan(5);
        expect(e.what.length, `${source}:${kind} what`).toBeGreaterThan(20);
        expect(e.meaning.length, `${source}:${kind} meaning`).toBeGreaterThan(10);
      }
    });
  }

  it('states the non-idempotent retry rule exactly where retries matter', () => {
    for (const kind of ['premature-close', 'connection-reset']) {
      const text = EVENT_KNOWLEDGE['nginx-error'][kind]!.meaning;
      expect(text).toContain('POST, LOCK and PATCH');
      expect(text).toContain('1.9.13');
      expect(text).toContain('non_idempotent');
    }
  });

  it('lists causes for every upstream failure kind', () => {
    for (const [kind, e] of Object.entries(EVENT_KNOWLEDGE['nginx-error'])) {
      if (['other'].includes(kind)) continue;
      expect(e.causes.length, kind).toBeGreaterThan(0);
    }
  });

  it('explains every phase', () => {
    expect(Object.keys(PHASE_KNOWLEDGE).sort()).toEqual(
      [
        'connecting',
        'reading-response-header',
        'reading-upstream',
        'sending-request',
        'sending-to-client',
        'ssl-handshake',
      ].sort(),
    );
  });
});
