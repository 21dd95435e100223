/**
 * Archives and compressed files as people drop them: a rotated `error.log.2.gz`, a zipped
 * /etc/nginx, a support bundle `.tar.gz`. Each member becomes a file with its path inside the
 * archive; anything that cannot be read (binary, encrypted, an unknown or damaged archive) is
 * said so with the reason — nothing is dropped silently.
 *
 * The platform inflates (DecompressionStream 'gzip' and 'deflate-raw': Chromium ≥ 80, Node ≥
 * 20), so reading zip and tar is only their directory formats (zip.ts, tar.ts): no library to
 * ship in the worker or to audit. A plain `.gz` is streamed, never held whole, so a 2 GB log
 * stays as cheap as it is uncompressed.
 */
import { MAX_UNPACKED_BYTES, readAll, TooLarge } from './bytes.ts';
import { readTar } from './tar.ts';
import { readZip } from './zip.ts';

export { MAX_MEMBERS, MAX_UNPACKED_BYTES } from './bytes.ts';

/** A file from inside an archive (or the inside of a `.gz`). */
export interface Member {
  path: string;
  /** Its bytes, or a stream of them when it was too big to hold (a `.gz` log). */
  bytes?: Uint8Array;
  stream?: () => ReadableStream<Uint8Array>;
}

export interface Unreadable {
  path: string;
  reason: string;
}

export interface Opened {
  members: Member[];
  unreadable: Unreadable[];
}

export type Container = 'gzip' | 'zip' | 'tar' | 'binary' | 'text';

/** What a file's first bytes (at least 512 of them when there are) say it is. */
export function sniff(head: Uint8Array): Container {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'zip';
  if (isTarHeader(head)) return 'tar';
  return looksBinary(head) ? 'binary' : 'text';
}

function isTarHeader(head: Uint8Array): boolean {
  // "ustar" at 257 (POSIX and GNU tar both write it).
  return head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar';
}

/** NUL bytes, or many control characters, in the first 8 KB: not text people paste. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** Names of kinds for the reason a file was not read. */
const BINARY_KINDS: [RegExp, string][] = [
  [/^\x89PNG/, 'a PNG image'],
  [/^\xff\xd8\xff/, 'a JPEG image'],
  [/^%PDF/, 'a PDF document'],
  [/^\x7fELF/, 'a program (ELF)'],
  [/^7z\xbc\xaf/, 'a 7-Zip archive (not read here: use zip, tar or gzip)'],
  [/^Rar!/, 'a RAR archive (not read here: use zip, tar or gzip)'],
  [/^BZh/, 'a bzip2 file (not read here: use gzip)'],
  [/^\xfd7zXZ/, 'an xz file (not read here: use gzip)'],
  [/^\x28\xb5\x2f\xfd/, 'a zstd file (not read here: use gzip)'],
];

export function binaryReason(head: Uint8Array): string {
  const start = String.fromCharCode(...head.subarray(0, 8));
  const kind = BINARY_KINDS.find(([re]) => re.test(start))?.[1];
  return kind ? `${kind}: nothing here to read` : 'binary data, not text: nothing here to read';
}

const gunzip = (blob: Blob) => blob.stream().pipeThrough(new DecompressionStream('gzip'));

/** `error.log.2.gz` → `error.log.2`: the file inside is analysed under its own name. */
function inner(name: string): string {
  return name.replace(/\.gz$/i, '');
}

/**
 * Opens a dropped file that is an archive or compressed: its members, and what could not be
 * read with the reason. `container` is what sniff() said of its first bytes.
 */
export async function openArchive(name: string, blob: Blob, container: Container): Promise<Opened> {
  try {
    if (container === 'zip') return await readZip(name, new Uint8Array(await blob.arrayBuffer()));
    if (container === 'tar') return readTar(name, new Uint8Array(await blob.arrayBuffer()));
    if (container === 'gzip') {
      // A .tar.gz is unpacked whole (bounded); any other .gz is streamed as the file inside.
      const head = await readHead(gunzip(blob), 512);
      if (!isTarHeader(head))
        return { members: [{ path: inner(name), stream: () => gunzip(blob) }], unreadable: [] };
      const tar = await readAll(gunzip(blob), MAX_UNPACKED_BYTES);
      return readTar(name, tar);
    }
    if (container === 'binary') {
      const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
      return { members: [], unreadable: [{ path: name, reason: binaryReason(head) }] };
    }
    return {
      members: [{ path: name, bytes: new Uint8Array(await blob.arrayBuffer()) }],
      unreadable: [],
    };
  } catch (error) {
    const reason =
      error instanceof TooLarge
        ? `more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB once unpacked: unpack it and add the files you need`
        : `damaged or not what its first bytes say (${(error as Error).message})`;
    return { members: [], unreadable: [{ path: name, reason }] };
  }
}

/** The first `n` bytes of a stream (fewer when it is shorter); the rest is cancelled. */
async function readHead(stream: ReadableStream<Uint8Array>, n: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < n) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  const out = new Uint8Array(Math.min(size, n));
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, out.length - at), at);
    at += Math.min(p.byteLength, out.length - at);
    if (at >= out.length) break;
  }
  return out;
}
