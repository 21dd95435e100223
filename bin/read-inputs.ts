import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '../workers/engine/model.ts';
import { readDropped, type Dropped } from '../workers/engine/archive/read.ts';
import type { Unreadable } from '../workers/engine/archive/index.ts';
import { streamLog, type ByteSource, type StreamedLog } from '../workers/engine/pipeline/stream.ts';
import { UsageError } from './args.ts';

export interface Inputs {
  sources: SourceFile[];
  /** Logs over the streaming threshold, to be streamed rather than read whole. */
  large: { name: string; source: ByteSource }[];
  /** Files that could not be read (binary, encrypted, damaged archives), with the reason. */
  unreadable: Unreadable[];
}

/** A folder is walked to this many files at most. */
const MAX_FILES = 2000;

/**
 * Reads what the command line names, as the page reads a drop: `-` is stdin, folders are
 * walked (hidden entries skipped), archives and `.gz` files opened. A missing or unreadable
 * path is a usage error with its reason. Big logs are left to stream unless `stream` is false
 * (`parse`, `redact` want the text).
 */
export async function readInputs(paths: string[], stream = true): Promise<Inputs> {
  if (paths.length === 0) throw new UsageError('no input files given');
  const dropped: Dropped[] = [];
  for (const path of paths) {
    if (path === '-') {
      dropped.push({ name: 'stdin', blob: new Blob([await readStdin()]) });
      continue;
    }
    try {
      for (const file of walk(path)) dropped.push({ name: file, blob: await openAsBlob(file) });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`cannot read ${path}: ${reason}`);
    }
  }
  const read = await readDropped(dropped);
  if (stream) return read;
  const whole = await Promise.all(
    read.large.map(async (l) => ({
      name: l.name,
      text: await new Response(l.source.stream()).text(),
    })),
  );
  return { sources: [...read.sources, ...whole], large: [], unreadable: read.unreadable };
}

/** The files under `path` (itself when it is a file), in a stable order. */
function walk(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || out.length >= MAX_FILES) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else out.push(full);
    }
  };
  visit(path);
  return out;
}

async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

/** Streams the large logs through the engine's aggregator (redacted line by line). */
export async function streamLarge(inputs: Inputs): Promise<StreamedLog[]> {
  const streamed: StreamedLog[] = [];
  for (const { name, source } of inputs.large)
    streamed.push(await streamLog(name, source, inputs.sources));
  return streamed;
}
