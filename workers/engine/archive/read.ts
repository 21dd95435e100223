/**
 * Files as they are dropped, picked or named on the command line, made into what the engine
 * reads: text inputs, big logs to stream, and the files it cannot read with the reason. Archives
 * and `.gz` files are opened here (index.ts); their members are files like any other.
 */
import type { SourceFile } from '../model.ts';
import { STREAM_THRESHOLD_BYTES } from '../model.ts';
import { detectInput } from '../pipeline/detect.ts';
import type { ByteSource } from '../pipeline/stream.ts';
import { MAX_UNPACKED_BYTES, readAll, TooLarge } from './bytes.ts';
import {
  binaryReason,
  looksBinary,
  openArchive,
  sniff,
  type Member,
  type Unreadable,
} from './index.ts';

export interface Dropped {
  name: string;
  blob: Blob;
}

export interface ReadInputs {
  sources: SourceFile[];
  /** Logs too big to hold as one string: the worker or the CLI streams them. */
  large: { name: string; source: ByteSource }[];
  unreadable: Unreadable[];
}

const HEAD = 256 * 1024;
const decoder = () => new TextDecoder('utf-8');

/** Whether the start of a text is a log (so a big one is streamed, not held whole). */
function isLog(name: string, head: string): boolean {
  // A big `nginx -T` dump is a config and must be parsed whole.
  if (/^# configuration file .+:\r?$/m.test(head)) return false;
  return detectInput(name, head).kind === 'log';
}

export async function readDropped(files: readonly Dropped[]): Promise<ReadInputs> {
  const out: ReadInputs = { sources: [], large: [], unreadable: [] };
  for (const { name, blob } of files) {
    const container = sniff(new Uint8Array(await blob.slice(0, 512).arrayBuffer()));
    if (container === 'text') {
      const head = await blob.slice(0, HEAD).text();
      if (blob.size > STREAM_THRESHOLD_BYTES && isLog(name, head))
        out.large.push({ name, source: blob });
      else out.sources.push({ name, text: await blob.text() });
      continue;
    }
    const opened = await openArchive(name, blob, container);
    out.unreadable.push(...opened.unreadable);
    for (const member of opened.members) await addMember(out, member, blob);
  }
  return out;
}

async function addMember(out: ReadInputs, member: Member, archive: Blob): Promise<void> {
  const { path } = member;
  if (member.bytes) {
    const bytes = member.bytes;
    if (looksBinary(bytes)) {
      out.unreadable.push({ path, reason: binaryReason(bytes.subarray(0, 16)) });
      return;
    }
    const head = decoder().decode(bytes.subarray(0, HEAD));
    if (bytes.length > STREAM_THRESHOLD_BYTES && isLog(path, head)) {
      const blob = new Blob([bytes.slice()]);
      out.large.push({ name: path, source: blob });
    } else out.sources.push({ name: path, text: decoder().decode(bytes) });
    return;
  }
  // The inside of a .gz: a log is streamed as it inflates; anything else is read whole.
  const open = member.stream!;
  const first = await readAll(open().pipeThrough(limit(HEAD)), Infinity);
  if (looksBinary(first)) {
    out.unreadable.push({ path, reason: binaryReason(first.subarray(0, 16)) });
    return;
  }
  if (isLog(path, decoder().decode(first))) {
    out.large.push({ name: path, source: counted(archive) });
    return;
  }
  try {
    out.sources.push({
      name: path,
      text: decoder().decode(await readAll(open(), MAX_UNPACKED_BYTES)),
    });
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    out.unreadable.push({
      path,
      reason: `more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB once inflated, and not a log to stream`,
    });
  }
}

/** Passes the first `n` bytes of a stream, then ends it. */
function limit(n: number): TransformStream<Uint8Array, Uint8Array> {
  let left = n;
  return new TransformStream({
    transform(chunk, controller) {
      if (left <= 0) return controller.terminate();
      controller.enqueue(chunk.subarray(0, left));
      left -= chunk.byteLength;
      if (left <= 0) controller.terminate();
    },
  });
}

/** The inflated stream of a `.gz`, its progress counted in the compressed bytes read. */
function counted(archive: Blob): ByteSource {
  let consumed = 0;
  return {
    size: archive.size,
    consumed: () => consumed,
    stream: () => {
      consumed = 0;
      return archive
        .stream()
        .pipeThrough(
          new TransformStream<Uint8Array, Uint8Array<ArrayBuffer>>({
            transform(chunk, controller) {
              consumed += chunk.byteLength;
              controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
            },
          }),
        )
        .pipeThrough(new DecompressionStream('gzip'));
    },
  };
}
