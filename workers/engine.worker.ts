/**
 * The worker entry: exposes the engine to the page through comlink. Kept thin on purpose;
 * everything else lives in engine/ and also runs in Node (CLI, tests).
 */
import { expose } from 'comlink';
import { analyze } from './engine/analyze.ts';
import type { AnalyzeOptions, Report, SourceFile } from './engine/model.ts';
import { streamLog, type Progress } from './engine/pipeline/stream.ts';

const api = {
  analyze(inputs: SourceFile[], options: AnalyzeOptions = {}): Report {
    return analyze(inputs, options);
  },
  /**
   * Like analyze, with huge logs passed as Files (never read into one string): each is streamed,
   * redacted and aggregated here, with progress reported back to the page.
   */
  async analyzeWithLargeLogs(
    inputs: SourceFile[],
    largeLogs: File[],
    options: AnalyzeOptions,
    onProgress?: Progress,
  ): Promise<Report> {
    const streamed = [];
    for (const file of largeLogs)
      streamed.push(await streamLog(file.name, file, inputs, onProgress));
    return analyze(inputs, options, streamed);
  },
  /** Lets the page check that a fresh worker has loaded before trusting it. */
  ping(): 'pong' {
    return 'pong';
  },
};

export type EngineApi = typeof api;

expose(api);
