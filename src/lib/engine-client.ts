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
import type { AnalyzeOptions, Report, SourceFile } from '../../workers/engine/model.ts';

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
  /** Builds the worker; tests substitute their own. */
  createWorker?: () => Worker;
}

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
  private readonly createWorker: () => Worker;

  constructor(options: EngineClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.timeoutMsPerMB = options.timeoutMsPerMB ?? 15_000;
    this.createWorker = options.createWorker ?? defaultCreateWorker;
  }

  /**
   * `files` are Files the worker reads itself (never into a string on this thread): big logs it
   * streams, archives and `.gz` files it opens; `onProgress` hears how many bytes it has read.
   */
  async analyze(
    inputs: SourceFile[],
    options: AnalyzeOptions = {},
    files: { name: string; file: File }[] = [],
    onProgress?: (progress: { file: string; done: number; total: number }) => void,
  ): Promise<Report> {
    const generation = ++this.generation;
    // A busy worker is working for a request nobody wants any more: stop it now.
    if (this.current?.busy) this.replaceWorker();
    this.cancelInFlight?.();

    const megabytes =
      (inputs.reduce((n, i) => n + i.text.length, 0) + files.reduce((n, f) => n + f.file.size, 0)) /
      (1024 * 1024);
    const limitMs = Math.round(this.timeoutMs + this.timeoutMsPerMB * megabytes);
    const running = this.ensureWorker();
    running.busy = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onError: ((event: ErrorEvent) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      this.cancelInFlight = () => reject(new Superseded());
      timer = setTimeout(() => {
        this.replaceWorker();
        reject(
          new EngineFailure(
            `The analysis took longer than ${Math.round(limitMs / 1000)} s and was stopped. ` +
              'Try fewer or smaller inputs.',
          ),
        );
      }, limitMs);
      onError = (event: ErrorEvent) => {
        event.preventDefault();
        this.replaceWorker();
        reject(
          new EngineFailure(`The analysis engine failed to load or crashed: ${event.message}`),
        );
      };
      running.worker.addEventListener('error', onError);
    });
    try {
      const work =
        files.length > 0
          ? running.api.analyzeFiles(
              inputs,
              files,
              options,
              onProgress ? proxy(onProgress) : undefined,
            )
          : running.api.analyze(inputs, options);
      const report = await Promise.race([work, failure]);
      if (generation !== this.generation) throw new Superseded();
      return report;
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
