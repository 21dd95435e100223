/**
 * Share links: the (already redacted) inputs, deflated and base64url-encoded into the URL
 * fragment. A fragment is never sent to any server, so the link carries the data itself and
 * opening it needs nothing but this app. Also used by the embed element for inline configs.
 */
import type { FileKind } from '../../workers/engine/model.ts';

export interface Shared {
  v: 1;
  files: { name: string; text: string; kind?: FileKind }[];
  nginxVersion?: string;
  disabledFixes?: string[];
  enabledFixes?: string[];
}

export const SHARE_PREFIX = '#share=';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const piped = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const base64 = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
  // Padding is at most two `=` at the end.
  return base64.endsWith('==')
    ? base64.slice(0, -2)
    : base64.endsWith('=')
      ? base64.slice(0, -1)
      : base64;
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function encodeShare(shared: Shared): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(shared));
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** Decodes a fragment payload; throws a plain-words Error when it is not a valid share. */
export async function decodeShare(payload: string): Promise<Shared> {
  let value: unknown;
  try {
    const bytes = await pipe(fromBase64Url(payload), new DecompressionStream('deflate-raw'));
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('This share link is damaged or incomplete (was it cut off when copied?).');
  }
  const shared = value as Partial<Shared>;
  if (
    !shared ||
    shared.v !== 1 ||
    !Array.isArray(shared.files) ||
    !shared.files.every((f) => typeof f?.name === 'string' && typeof f?.text === 'string')
  )
    throw new Error('This share link was made by a different version or is not a share link.');
  return shared as Shared;
}
