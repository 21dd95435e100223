/**
 * tar, as GNU tar and bsdtar write it: 512-byte headers (ustar), long names from GNU `L`
 * records and pax `path=` records, regular files only (links, devices and folders carry no
 * text). Damaged headers end the listing with a reason rather than an exception.
 */
import { MAX_MEMBERS } from './bytes.ts';
import type { Opened } from './index.ts';

const decoder = new TextDecoder();

function field(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function octal(block: Uint8Array, start: number, length: number): number {
  const text = field(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

export function readTar(name: string, bytes: Uint8Array): Opened {
  const out: Opened = { members: [], unreadable: [] };
  let at = 0;
  let longName: string | null = null;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isFinite(size) || size < 0 || at + 512 + size > bytes.length) {
      out.unreadable.push({
        path: name,
        reason: `tar header at byte ${at} is damaged; the rest was not read`,
      });
      break;
    }
    const body = bytes.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = field(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(decoder.decode(body));
      if (path) longName = path[1]!;
      continue;
    }
    const prefix = field(header, 345, 155);
    const base = field(header, 0, 100);
    const path = (longName ?? (prefix ? `${prefix}/${base}` : base)).replace(/^\.\//, '');
    longName = null;
    if (type !== '0' && type !== '\0' && type !== '7') continue;
    if (out.members.length >= MAX_MEMBERS) {
      out.unreadable.push({
        path: `${name}/…`,
        reason: `more than ${MAX_MEMBERS} files: the rest was not read`,
      });
      break;
    }
    out.members.push({ path: `${name}/${path}`, bytes: body.slice() });
  }
  return out;
}
