/**
 * Huge logs (a 200 MB error.log) are not read into one string: they are streamed from a Blob
 * in chunks, each batch of complete lines is redacted and fed to the log aggregator, which
 * keeps counts, incidents and a bounded sample of events. Memory stays bounded and the caller
 * gets progress as bytes are read.
 */
import type { Redaction, SourceFile } from '../model.ts';
import { buildConfig, type NginxFile } from '../formats/nginx/index.ts';
import { createLogAggregator, type AggregateResult } from '../logs/index.ts';
import { redactText } from '../redact/index.ts';
import { classify } from './detect.ts';
import { parseInput } from './parse.ts';
import { accessLogFormats } from './decode.ts';
import { redactClassified } from './redact.ts';
import { upstreamGroupOf } from '../topology/groups.ts';

const SLICE_BYTES = 1024 * 1024;
const MAX_CARRY = 256 * 1024;

/** Redactions listed per streamed log; the count beyond is kept. */
const MAX_LISTED_REDACTIONS = 1000;

export interface StreamedLog {
  name: string;
  bytes: number;
  result: AggregateResult;
  redactions: Redaction[];
  redactionCount: number;
}

export type Progress = (progress: { file: string; done: number; total: number }) => void;

/**
 * What the pasted nginx configs tell the decoder, as for a log analysed whole: the access log
 * formats they define, and which upstream block each server address belongs to (so a streamed
 * log's incidents are grouped by upstream block too). Read from redacted text, as everything is.
 */
export function logContextFor(sources: readonly SourceFile[]) {
  const { inputs } = redactClassified(classify(sources).filter((c) => c.kind === 'nginx'));
  const nginx = inputs.map((c) => parseInput(c) as NginxFile);
  return {
    accessLogFormats: accessLogFormats(nginx),
    groupOf: upstreamGroupOf(nginx.length > 0 ? buildConfig(nginx) : null),
  };
}

/**
 * Something that can be read as a stream of bytes: a Blob, or the inside of a `.gz` (its
 * progress counted in the compressed bytes read, as that is the size people see).
 */
export interface ByteSource {
  stream(): ReadableStream<Uint8Array>;
  size: number;
  /** Bytes of `size` read so far, when that is not the bytes the stream has given. */
  consumed?: () => number;
}

export async function streamLog(
  name: string,
  blob: ByteSource,
  sources: readonly SourceFile[],
  onProgress?: Progress,
): Promise<StreamedLog> {
  const context = logContextFor(sources);
  const aggregator = createLogAggregator(name, context, { groupOf: context.groupOf });
  const reader = blob.stream().getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  const redactions: Redaction[] = [];
  let redactionCount = 0;
  let linesBefore = 0;
  let carry = '';
  const feed = (text: string) => {
    if (text === '') return;
    const masked = redactText(text, 'log', name);
    redactionCount += masked.redactions.length;
    for (const r of masked.redactions) {
      if (redactions.length < MAX_LISTED_REDACTIONS)
        redactions.push({ ...r, line: r.line + linesBefore });
    }
    linesBefore += countNewlines(text);
    aggregator.push(masked.text);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    // Some Blobs hand over everything at once (Node's in-memory ones): work in slices so the
    // strings stay small and progress moves.
    for (let at = 0; at < value.byteLength; at += SLICE_BYTES) {
      const slice = value.subarray(at, at + SLICE_BYTES);
      bytes += slice.byteLength;
      // Redact whole lines only: a secret cut in two by a chunk boundary would slip through.
      const text = carry + decoder.decode(slice, { stream: true });
      const cut = text.lastIndexOf('\n') + 1;
      feed(text.slice(0, cut));
      carry = text.slice(cut);
      // A "line" of megabytes is not a log line; bound memory rather than wait for its end.
      if (carry.length > MAX_CARRY) {
        feed(carry);
        carry = '';
      }
      onProgress?.({ file: name, done: blob.consumed?.() ?? bytes, total: blob.size });
    }
  }
  feed(carry + decoder.decode());
  return { name, bytes, result: aggregator.end(), redactions, redactionCount };
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
