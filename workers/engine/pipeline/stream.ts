/**
 * Huge logs (a 200 MB error.log) are not read into one string: they are streamed from a Blob
 * in chunks, each batch of complete lines is redacted and fed to the log aggregator, which
 * keeps counts, incidents and a bounded sample of events. Memory stays bounded and the caller
 * gets progress as bytes are read.
 */
import type { Redaction, SourceFile } from '../model.ts';
import type { NginxFile } from '../formats/nginx/index.ts';
import { createLogAggregator, type AggregateResult } from '../logs/index.ts';
import { redactText } from '../redact/index.ts';
import { classify } from './detect.ts';
import { parseInput } from './parse.ts';
import { accessLogFormats } from './decode.ts';

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

/** The access log formats the pasted nginx configs define, for decoding streamed logs. */
export function logContextFor(sources: readonly SourceFile[]) {
  const nginx = classify(sources)
    .filter((c) => c.kind === 'nginx')
    .map((c) => parseInput(c) as NginxFile);
  return { accessLogFormats: accessLogFormats(nginx) };
}

export async function streamLog(
  name: string,
  blob: Blob,
  sources: readonly SourceFile[],
  onProgress?: Progress,
): Promise<StreamedLog> {
  const aggregator = createLogAggregator(name, logContextFor(sources));
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
      onProgress?.({ file: name, done: bytes, total: blob.size });
    }
  }
  feed(carry + decoder.decode());
  return { name, bytes: blob.size, result: aggregator.end(), redactions, redactionCount };
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
