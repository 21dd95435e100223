/**
 * zip: the central directory (at the end) lists each member with its method, sizes and where
 * its local header is; members are stored (0) or deflated (8), inflated by the platform's
 * DecompressionStream('deflate-raw'). Encrypted members, other methods and zip64 sizes are
 * listed as unreadable with the reason.
 */
import { MAX_MEMBERS, MAX_UNPACKED_BYTES, readAll } from './bytes.ts';
import type { Opened } from './index.ts';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export async function readZip(name: string, bytes: Uint8Array): Promise<Opened> {
  const out: Opened = { members: [], unreadable: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is in the last 64 KB + 22 bytes (a comment may follow it).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--)
    if (view.getUint32(i, true) === EOCD) {
      end = i;
      break;
    }
  if (end < 0)
    return {
      members: [],
      unreadable: [{ path: name, reason: 'not a complete zip file (no central directory)' }],
    };
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  let total = 0;
  const utf8 = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) {
      out.unreadable.push({ path: name, reason: 'damaged zip directory: the rest was not read' });
      break;
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const path = `${name}/${utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength))}`;
    at += 46 + nameLength + extra + comment;
    if (path.endsWith('/')) continue;
    if (out.members.length >= MAX_MEMBERS) {
      out.unreadable.push({
        path: `${name}/…`,
        reason: `more than ${MAX_MEMBERS} files: the rest was not read`,
      });
      break;
    }
    if (flags & 1) {
      out.unreadable.push({
        path,
        reason: 'encrypted: unzip it with its password and add the files',
      });
      continue;
    }
    if (packed === 0xffffffff || size === 0xffffffff) {
      out.unreadable.push({
        path,
        reason: 'zip64 member (over 4 GB): unzip it and add the files you need',
      });
      continue;
    }
    if (method !== 0 && method !== 8) {
      out.unreadable.push({
        path,
        reason: `compressed with method ${method} (only stored and deflate are read)`,
      });
      continue;
    }
    total += size;
    if (total > MAX_UNPACKED_BYTES) {
      out.unreadable.push({
        path,
        reason: `the archive is more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB unpacked: the rest was not read`,
      });
      break;
    }
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) {
      out.unreadable.push({ path, reason: 'damaged zip entry' });
      continue;
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + packed);
    try {
      const body =
        method === 0
          ? data.slice()
          : await readAll(
              new Blob([data.slice()]).stream().pipeThrough(new DecompressionStream('deflate-raw')),
              size + 1,
            );
      out.members.push({ path, bytes: body });
    } catch {
      out.unreadable.push({ path, reason: 'damaged zip entry (it does not inflate)' });
    }
  }
  return out;
}
