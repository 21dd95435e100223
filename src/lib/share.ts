/**
 * Share links: the (already redacted) inputs, deflated and base64url-encoded into the URL
 * fragment. A fragment is never sent to any server, so the link carries the data itself and
 * opening it needs nothing but this app. Made here; opened in the worker
 * (workers/engine/share.ts), which caps what a link may unpack to.
 */
import type { Shared } from '../../workers/engine/model.ts';

export type { Shared };

export const SHARE_PREFIX = '#share=';

async function deflate(bytes: Uint8Array) {
  const piped = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
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

export async function encodeShare(shared: Shared): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(shared));
  return toBase64Url(await deflate(json));
}
