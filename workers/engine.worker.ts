/**
 * The worker entry: exposes the engine to the page through comlink. Kept thin on purpose;
 * everything else lives in engine/ and also runs in Node (CLI, tests).
 */
import { expose } from 'comlink';
import { analyze, type OnStage } from './engine/analyze.ts';
import type { AnalyzeOptions, Report, Shared, SourceFile } from './engine/model.ts';
import { streamLog, type Progress } from './engine/pipeline/stream.ts';
import { readDropped } from './engine/archive/read.ts';
import { redactInputs } from './engine/pipeline/redact.ts';
import { decodeShare } from './engine/share.ts';

const api = {
  /** `onStage` hears each step as it starts (the page shows it while a big paste runs). */
  analyze(inputs: SourceFile[], options: AnalyzeOptions = {}, onStage?: OnStage): Report {
    return analyze(inputs, options, [], [], onStage);
  },
  /**
   * Like analyze, with files passed as Files rather than text: archives and `.gz` files opened
   * here, huge logs streamed (never read into one string), redacted and aggregated, with
   * progress reported back to the page; files that cannot be read come back with the reason.
   */
  async analyzeFiles(
    inputs: SourceFile[],
    files: { name: string; file: File }[],
    options: AnalyzeOptions,
    onProgress?: Progress,
    onStage?: OnStage,
  ): Promise<Report> {
    const read = await readDropped(files.map((f) => ({ name: f.name, blob: f.file })));
    const sources = [...inputs, ...read.sources];
    const streamed = [];
    for (const log of read.large)
      streamed.push(await streamLog(log.name, log.source, sources, onProgress));
    return analyze(sources, options, streamed, read.unreadable, onStage);
  },
  /** Each input's text with its secrets masked (what "Remember my inputs" stores). */
  redact(inputs: SourceFile[]): { name: string; text: string }[] {
    return redactInputs(inputs).files.map((f) => ({ name: f.name, text: f.text }));
  },
  /**
   * A share link's inputs, unpacked here rather than on the page's thread, and never past
   * MAX_SHARE_BYTES: the reason comes back in plain words when it cannot be opened.
   */
  async openShare(payload: string): Promise<{ shared?: Shared; problem?: string }> {
    try {
      return { shared: await decodeShare(payload) };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  },
  /** Lets the page check that a fresh worker has loaded before trusting it. */
  ping(): 'pong' {
    return 'pong';
  },
};

export type EngineApi = typeof api;

expose(api);
