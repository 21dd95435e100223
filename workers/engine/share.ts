/**
 * Opening a share link (made by src/lib/share.ts: the redacted inputs as deflated JSON in
 * base64url). Done in the worker, never past MAX_SHARE_BYTES: a 270 KB link can inflate to
 * hundreds of MB.
 */
import { readAll, TooLarge } from './archive/bytes.ts';
import type { Shared } from './model.ts';

/** A share link never unpacks to more than this (the inputs of any real incident fit). */
export const MAX_SHARE_BYTES = 32 * 1024 * 1024;

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Decodes a fragment payload; throws a plain-words Error when it is not a valid share. */
export async function decodeShare(payload: string): Promise<Shared> {
  let value: unknown;
  try {
    const inflated = new Blob([fromBase64Url(payload) as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('deflate-raw'));
    value = JSON.parse(new TextDecoder().decode(await readAll(inflated, MAX_SHARE_BYTES)));
  } catch (error) {
    if (error instanceof TooLarge)
      throw new Error(
        `This share link unpacks to more than ${MAX_SHARE_BYTES / 1024 / 1024} MB, more than ` +
          'any shared analysis holds, so it was not opened.',
        { cause: error },
      );
    throw new Error('This share link is damaged or incomplete (was it cut off when copied?).', {
      cause: error,
    });
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
