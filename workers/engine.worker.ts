/**
 * The worker entry: exposes the engine to the page through comlink. Kept thin on purpose;
 * everything else lives in engine/ and also runs in Node (CLI, tests).
 */
import { expose } from 'comlink';
import { analyze } from './engine/analyze.ts';
import type { AnalyzeOptions, Report, SourceFile } from './engine/model.ts';

const api = {
  analyze(inputs: SourceFile[], options: AnalyzeOptions = {}): Report {
    return analyze(inputs, options);
  },
  /** Lets the page check that a fresh worker has loaded before trusting it. */
  ping(): 'pong' {
    return 'pong';
  },
};

export type EngineApi = typeof api;

expose(api);
