/**
 * The page's only way to the engine: a comlink-wrapped module worker.
 *
 * One analysis runs at a time. A newer request supersedes the one in flight: the worker is
 * terminated (the engine is synchronous, so this is the only way to stop it) and replaced,
 * and the superseded promise rejects with `Superseded` so callers never show a stale result.
 * A worker that throws, fails to load or exceeds the time limit is also replaced, and the
 * caller gets a plain message for the user.
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi } from '../../workers/engine.worker.ts';
import type {
  AnalyzeOptions,
  Report,
  Shared,
  SourceFile,
  StageProgress,
} from '../../workers/engine/model.ts';

export class Superseded extends Error {
  constructor() {
    super('superseded by a newer analysis');
  }
}

export class EngineFailure extends Error {}

interface Running {
  worker: Worker;
  api: Remote<EngineApi>;
  busy: boolean;
}

export interface EngineClientOptions {
  /** Give up on one analysis after this long (ms) and replace the worker. */
  timeoutMs?: number;
  /** Extra time allowed per MB of input: a 10 MB `nginx -T` dump needs more than a paste. */
  timeoutMsPerMB?: number;
  /**
   * The most any analysis may take, whatever its size. A worker reading a big file is not
   * judged by this: each progress report restarts the clock, so only a stall ends it.
   */
  maxTimeoutMs?: number;
  /** Builds the worker; tests substitute their own. */
  createWorker?: () => Worker;
}

type Progress = (progress: { file: string; done: number; total: number }) => void;

const defaultCreateWorker = () =>
  new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'upstream-doctor-engine',
  });

export class EngineClient {
  private current: Running | null = null;
  private generation = 0;
  private cancelInFlight: (() => void) | null = null;
  private readonly timeoutMs: number;
  private readonly timeoutMsPerMB: number;
  private readonly maxTimeoutMs: number;
  private readonly createWorker: () => Worker;

  constructor(options: EngineClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.timeoutMsPerMB = options.timeoutMsPerMB ?? 15_000;
    this.maxTimeoutMs = options.maxTimeoutMs ?? 120_000;
    this.createWorker = options.createWorker ?? defaultCreateWorker;
  }

  /**
   * `files` are Files the worker reads itself (never into a string on this thread): big logs it
   * streams, archives and `.gz` files it opens; `onProgress` hears how many bytes it has read.
   */
  analyze(
    inputs: SourceFile[],
    options: AnalyzeOptions = {},
    files: { name: string; file: File }[] = [],
    onProgress?: Progress,
    onStage?: (stage: StageProgress) => void,
  ): Promise<Report> {
    const bytes =
      inputs.reduce((n, i) => n + i.text.length, 0) + files.reduce((n, f) => n + f.file.size, 0);
    return this.call(bytes, onProgress, (api, progress, arm) => {
      // A step starting is news too: it restarts the stall clock like bytes read do.
      const stage = onStage
        ? proxy((s: StageProgress) => {
            arm();
            onStage(s);
          })
        : undefined;
      return files.length > 0
        ? api.analyzeFiles(inputs, files, options, progress ? proxy(progress) : undefined, stage)
        : api.analyze(inputs, options, stage);
    });
  }

  /** Each input's text with its secrets masked, as the analysis masks it (for storing). */
  redact(inputs: SourceFile[]): Promise<{ name: string; text: string }[]> {
    return this.call(
      inputs.reduce((n, i) => n + i.text.length, 0),
      undefined,
      (api) => api.redact(inputs),
    );
  }

  /** A share link's inputs; EngineFailure, in plain words, when the link cannot be opened. */
  async openShare(payload: string): Promise<Shared> {
    const opened = await this.call(payload.length, undefined, (api) => api.openShare(payload));
    if (!opened.shared) throw new EngineFailure(opened.problem);
    return opened.shared;
  }

  /** One request to the worker, superseding the one in flight, under the time limit. */
  private async call<T>(
    bytes: number,
    onProgress: Progress | undefined,
    work: (api: Remote<EngineApi>, onProgress: Progress | undefined, arm: () => void) => Promise<T>,
  ): Promise<T> {
    const generation = ++this.generation;
    // A busy worker is working for a request nobody wants any more: stop it now.
    if (this.current?.busy) this.replaceWorker();
    this.cancelInFlight?.();

    const limitMs = Math.min(
      this.maxTimeoutMs,
      Math.round(this.timeoutMs + (this.timeoutMsPerMB * bytes) / (1024 * 1024)),
    );
    const running = this.ensureWorker();
    running.busy = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let arm = () => {};
    let onError: ((event: ErrorEvent) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      this.cancelInFlight = () => reject(new Superseded());
      arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.replaceWorker();
          reject(
            new EngineFailure(
              `The analysis took longer than ${Math.round(limitMs / 1000)} s and was stopped. ` +
                'Try fewer or smaller inputs.',
            ),
          );
        }, limitMs);
      };
      arm();
      onError = (event: ErrorEvent) => {
        event.preventDefault();
        this.replaceWorker();
        reject(
          new EngineFailure(`The analysis engine failed to load or crashed: ${event.message}`),
        );
      };
      running.worker.addEventListener('error', onError);
    });
    const progress: Progress | undefined = onProgress
      ? (p) => {
          arm();
          onProgress(p);
        }
      : undefined;
    try {
      const result = await Promise.race([work(running.api, progress, () => arm()), failure]);
      if (generation !== this.generation) throw new Superseded();
      return result;
    } catch (error) {
      if (error instanceof Superseded || error instanceof EngineFailure) throw error;
      if (generation !== this.generation) throw new Superseded();
      // The engine threw: its state is suspect, so start clean next time.
      this.replaceWorker();
      throw new EngineFailure(`The analysis failed: ${(error as Error).message ?? String(error)}`);
    } finally {
      clearTimeout(timer);
      if (onError) running.worker.removeEventListener('error', onError);
      if (this.current === running) running.busy = false;
      if (generation === this.generation) this.cancelInFlight = null;
    }
  }

  /**
   * Drops the analysis in flight, if any (its promise rejects with Superseded). An idle
   * worker is kept warm for the next request; a busy one is stopped.
   */
  cancel(): void {
    this.generation++;
    if (this.current?.busy) this.replaceWorker();
    this.cancelInFlight?.();
    this.cancelInFlight = null;
  }

  dispose(): void {
    this.cancelInFlight?.();
    this.current?.worker.terminate();
    this.current = null;
  }

  private ensureWorker(): Running {
    if (!this.current) {
      const worker = this.createWorker();
      this.current = { worker, api: wrap<EngineApi>(worker), busy: false };
    }
    return this.current;
  }

  private replaceWorker(): void {
    this.current?.worker.terminate();
    this.current = null;
  }
}
