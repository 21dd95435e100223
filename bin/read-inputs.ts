import { closeSync, openAsBlob, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { SourceFile } from '../workers/engine/model.ts';
import { STREAM_THRESHOLD_BYTES } from '../workers/engine/model.ts';
import { detectInput } from '../workers/engine/pipeline/detect.ts';
import { streamLog, type StreamedLog } from '../workers/engine/pipeline/stream.ts';
import { UsageError } from './args.ts';

export interface Inputs {
  sources: SourceFile[];
  /** Logs over the streaming threshold, to be streamed rather than read whole. */
  large: { name: string; blob: Blob }[];
}

/**
 * Reads the named files; a missing or unreadable one is a usage error with its reason. Big
 * logs are left as Blobs to stream unless `stream` is false (`parse`, `redact` want the text).
 */
export async function readInputs(paths: string[], stream = true): Promise<Inputs> {
  if (paths.length === 0) throw new UsageError('no input files given');
  const inputs: Inputs = { sources: [], large: [] };
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) throw new Error('is a directory');
      if (
        stream &&
        stat.size > STREAM_THRESHOLD_BYTES &&
        detectInput(path, head(path)).kind === 'log'
      ) {
        inputs.large.push({ name: path, blob: await openAsBlob(path) });
      } else {
        inputs.sources.push({ name: path, text: readFileSync(path, 'utf8') });
      }
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`cannot read ${path}: ${reason}`);
    }
  }
  return inputs;
}

/** Streams the large logs through the engine's aggregator (redacted line by line). */
export async function streamLarge(inputs: Inputs): Promise<StreamedLog[]> {
  const streamed: StreamedLog[] = [];
  for (const { name, blob } of inputs.large)
    streamed.push(await streamLog(name, blob, inputs.sources));
  return streamed;
}

function head(path: string): string {
  const buffer = Buffer.alloc(256 * 1024);
  const fd = openSync(path, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
