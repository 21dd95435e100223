/** Limits and byte helpers shared by the archive readers. */

/** Archives held in memory to be unpacked stop here (a zip bomb must not take the tab down). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
/** Members of one archive at most (a dropped node_modules.zip must not flood the page). */
export const MAX_MEMBERS = 2000;

export class TooLarge extends Error {}

/** All of a stream's bytes; TooLarge past `limit` (the stream is cancelled). */
export async function readAll(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
