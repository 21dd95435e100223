/**
 * Share links are made on the page (src/lib/share.ts) and opened in the worker
 * (workers/engine/share.ts), which must refuse a link that unpacks to more than its cap
 * rather than inflate it whole.
 */
import { describe, expect, it } from 'vitest';
import { encodeShare } from '../../src/lib/share.ts';
import { decodeShare, MAX_SHARE_BYTES } from '../../workers/engine/share.ts';

describe('share links', () => {
  it('round-trip the inputs and choices they carry', async () => {
    const shared = {
      v: 1 as const,
      files: [{ name: 'nginx.conf', text: 'events {}\n', kind: 'nginx' as const }],
      nginxVersion: '1.24.0',
      disabledFixes: ['keepalive-inert:app'],
    };
    await expect(decodeShare(await encodeShare(shared))).resolves.toEqual(shared);
  });

  it('a small link that unpacks past the cap is refused with the reason', async () => {
    const text = ' '.repeat(MAX_SHARE_BYTES + 1024);
    const payload = await encodeShare({ v: 1, files: [{ name: 'bomb', text }] });
    // Deflate packs it a thousandfold: the link is small, the contents are not.
    expect(payload.length).toBeLessThan(MAX_SHARE_BYTES / 500);
    await expect(decodeShare(payload)).rejects.toThrow(/unpacks to more than 32 MB/);
  });

  it('just under the cap still opens', async () => {
    const text = 'x'.repeat(MAX_SHARE_BYTES - 1024);
    const payload = await encodeShare({ v: 1, files: [{ name: 'big', text }] });
    const opened = await decodeShare(payload);
    expect(opened.files[0]!.text.length).toBe(text.length);
  });

  it('a damaged or foreign payload says so in plain words', async () => {
    await expect(decodeShare('not-a-real-payload')).rejects.toThrow(/damaged or incomplete/);
    const foreign = await encodeShare({ v: 2, files: [] } as never);
    await expect(decodeShare(foreign)).rejects.toThrow(/different version/);
  });
});
