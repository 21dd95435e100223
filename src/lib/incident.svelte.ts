/**
 * What the user has given us and what the engine made of it. Components stay thin and read
 * this; every change of input schedules a new analysis, which supersedes the one in flight.
 */
import type {
  FileKind,
  Finding,
  Report,
  SegmentKind,
  SourceFile,
  StageProgress,
} from '../../workers/engine/model.ts';
import { ALTERNATIVE } from '../../workers/engine/model.ts';
import { EngineClient, EngineFailure, Superseded } from './engine-client.ts';
import * as storage from './persist.ts';
import { changeSpots, type ChangeSpot } from './changes.ts';

export interface InputFile {
  id: number;
  name: string;
  /** Kinds the user chose for parts of this text (by their first line), when it holds several. */
  segmentKinds?: { from: number; kind: SegmentKind }[];
  /**
   * Empty for a file the worker reads itself (`file`): a big log it streams, an archive or a
   * `.gz` it opens, a binary file it says it cannot read.
   */
  text: string;
  kind?: FileKind;
  file?: File;
}

/** The name the paste area's text goes by in evidence ("pasted:3"). */
export const PASTED = 'pasted';

type Status = 'idle' | 'analyzing' | 'stopped' | 'done' | 'failed';

/** Typing pauses shorter than this do not start an analysis. */
const DEBOUNCE_MS = 150;
/** Steps of an analysis are shown once it has run this long (quick ones would only flicker). */
const STAGES_AFTER_MS = 400;

export class Incident {
  log = $state('');
  /** The kind the user chose for the paste area (undefined: detect). */
  logKind = $state<FileKind | undefined>(undefined);
  /** Kinds the user chose for parts of the paste, by their first line. */
  logSegmentKinds = $state<{ from: number; kind: SegmentKind }[]>([]);
  /** Whether the user asked to keep their inputs in this browser (IndexedDB). */
  remember = $state(false);
  files = $state<InputFile[]>([]);
  nginxVersion = $state('');
  report = $state<Report | null>(null);
  /** The report's changes in diff order (what the cards point at and next/previous walk), once. */
  readonly spots = $derived(this.report ? changeSpots(this.report) : []);
  status = $state<Status>('idle');
  /** Safe fixes the user switched off and unsafe ones they opted into (finding keys). */
  disabledFixes = $state<string[]>([]);
  enabledFixes = $state<string[]>([]);
  /** The evidence line the user asked to see. */
  focus = $state<{ file: string; line: number; at: number } | null>(null);
  /** The change the diff shows and marks: a card's, or the one "next change" reached. */
  change = $state<(ChangeSpot & { at: number; scroll: boolean }) | null>(null);
  /** Bytes of big logs (or `.gz` logs) read so far, while they stream. */
  progress = $state<{ file: string; done: number; total: number } | null>(null);
  /** The step a long analysis is at (a big paste); not shown for quick ones. */
  stage = $state<StageProgress | null>(null);
  error = $state<string | null>(null);

  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly engine: EngineClient;
  private readonly createRawEngine: () => EngineClient;
  /** Masks inputs before they are stored; its own worker, so saving never stops an analysis. */
  private keeper: EngineClient | null = null;
  private readonly createKeeper: () => EngineClient;

  constructor(
    engine = new EngineClient(),
    createRawEngine = () => new EngineClient(),
    createKeeper = () => new EngineClient(),
  ) {
    this.engine = engine;
    this.createRawEngine = createRawEngine;
    this.createKeeper = createKeeper;
  }

  /** `now`: a paste or drop, analysed at once; typing waits for a pause. */
  setLog(text: string, now = false): void {
    // Parts are known by their first line: a new text has new parts.
    if (text !== this.log) this.logSegmentKinds = [];
    this.log = text;
    this.schedule(now ? 0 : DEBOUNCE_MS);
  }

  addFile(name: string, text: string): void {
    this.files.push({ id: this.nextId++, name: this.uniqueName(name), text });
    // Next task, not at once: files added together in one go make one analysis.
    this.schedule(0);
  }

  /** A file the worker reads itself (a big log, an archive, a `.gz`): never read on this thread. */
  addWorkerFile(name: string, file: File): void {
    this.files.push({ id: this.nextId++, name: this.uniqueName(name), text: '', file });
    this.schedule(0);
  }

  updateFile(id: number, patch: Partial<Omit<InputFile, 'id'>>): void {
    const file = this.files.find((f) => f.id === id);
    if (!file) return;
    Object.assign(file, patch);
    this.schedule();
  }

  removeFile(id: number): void {
    this.files = this.files.filter((f) => f.id !== id);
    this.schedule();
  }

  /**
   * The user's kind for one part of a text holding several (the paste area when `fileId` is
   * undefined); undefined goes back to detection. Parts are known by their first line.
   */
  setSegmentKind(fileId: number | undefined, from: number, kind: SegmentKind | undefined): void {
    const file = fileId === undefined ? undefined : this.files.find((f) => f.id === fileId);
    const list = (file ? file.segmentKinds : this.logSegmentKinds) ?? [];
    const next = [...list.filter((s) => s.from !== from), ...(kind ? [{ from, kind }] : [])];
    if (file) file.segmentKinds = next;
    else this.logSegmentKinds = next;
    this.schedule(0);
  }

  setLogKind(kind: FileKind | undefined): void {
    this.logKind = kind;
    this.schedule();
  }

  /** Turns local persistence on (saves now) or off (deletes what was saved). */
  async setRemember(on: boolean): Promise<void> {
    this.remember = on;
    if (on) return this.persist();
    this.keeper?.cancel();
    await storage.forget();
  }

  /** Stops the analysis in flight. The inputs stay; any change, or `analyseAgain`, runs it. */
  stop(): void {
    clearTimeout(this.timer);
    this.engine.cancel();
    this.progress = null;
    this.stage = null;
    // What is shown must be about these inputs, and the stopped run said nothing yet.
    this.report = null;
    this.status = 'stopped';
  }

  analyseAgain(): void {
    void this.run();
  }

  /**
   * Restores inputs saved by an earlier visit that opted in; false when there are none or when
   * `wanted()` says the user has chosen something else meanwhile.
   */
  async restore(wanted: () => boolean = () => true): Promise<boolean> {
    const saved = await storage.load().catch(() => null);
    if (!saved || !wanted()) return false;
    this.remember = true;
    this.logKind = saved.logKind;
    await this.load(saved);
    return true;
  }

  setNginxVersion(version: string): void {
    this.nginxVersion = version;
    this.schedule();
  }

  /**
   * Switches a finding's fix off or on in all its places, so the card's one switch moves them all.
   * `alternative` switches the opt-in change offered instead of the fix (it replaces the fix).
   */
  toggleFix(finding: Finding, alternative = false): void {
    if (!finding.key || !finding.fix || finding.fix.safety === 'manual') return;
    const keys = [finding, ...(finding.places ?? [])].flatMap((f) => (f.key ? [f.key] : []));
    const alternatives = keys.map((k) => k + ALTERNATIVE);
    // Plain lookups, local to this call: nothing renders from them.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const group = new Set([...keys, ...alternatives]);
    const set = (list: 'disabledFixes' | 'enabledFixes', entries: string[]) => {
      this[list] = [...this[list].filter((k) => !group.has(k)), ...entries];
    };
    const { fix } = finding;
    if (alternative) {
      // On: the alternative replaces the fix. Off: back to the fix as it is by default.
      set('enabledFixes', fix.alternative?.applied ? [] : alternatives);
      set('disabledFixes', []);
    } else if (fix.applied) {
      // Off: neither the fix nor its alternative.
      set('enabledFixes', []);
      set('disabledFixes', fix.byDefault ? keys : []);
    } else {
      // On (in place of an alternative, if one was applied).
      set('enabledFixes', fix.byDefault ? [] : keys);
      set('disabledFixes', []);
    }
    void this.run();
  }

  showLine(file: string, line: number): void {
    this.focus = { file, line, at: Date.now() };
  }

  /** `scroll`: bring the diff into view if it is out of sight (asked for, not followed). */
  showChange(spot: ChangeSpot, scroll = true): void {
    this.change = { ...spot, at: Date.now(), scroll };
  }

  /** The user's own paste in place of a sample: the sample's inputs and choices all go. */
  replaceWith(text: string): Promise<void> {
    this.forgetChoices();
    return this.load({ log: text, files: [] });
  }

  /** What the user chose about the inputs on the page: kinds, fix switches, the line shown. */
  private forgetChoices(): void {
    this.logKind = undefined;
    this.logSegmentKinds = [];
    this.disabledFixes = [];
    this.enabledFixes = [];
    this.focus = null;
    this.change = null;
  }

  /** Replaces every input at once (a sample, a share link) and analyses right away. */
  load(input: { log: string; files: SourceFile[]; nginxVersion?: string }): Promise<void> {
    this.log = input.log;
    this.files = input.files.map((f) => ({ id: this.nextId++, ...f }));
    this.nginxVersion = input.nginxVersion ?? '';
    return this.run();
  }

  /**
   * Opens a share link (its inputs are already redacted; they replace whatever is here). The
   * link is unpacked in the worker; a link that cannot be opened leaves a message, not a throw.
   */
  async openShare(payload: string): Promise<void> {
    try {
      const shared = await this.engine.openShare(payload);
      this.disabledFixes = shared.disabledFixes ?? [];
      this.enabledFixes = shared.enabledFixes ?? [];
      const pasted = shared.files.find((f) => f.name === PASTED);
      await this.load({
        log: pasted?.text ?? '',
        files: shared.files.filter((f) => f !== pasted),
        ...(shared.nginxVersion ? { nginxVersion: shared.nginxVersion } : {}),
      });
    } catch (error) {
      if (error instanceof Superseded) return;
      this.error = error instanceof EngineFailure ? error.message : String(error);
      this.status = 'failed';
    }
  }

  /** Forgets everything, including what was saved in this browser. */
  clear(): Promise<void> {
    this.log = '';
    // A sample's version too: the user's own inputs are read at their own (or the assumed) one.
    this.nginxVersion = '';
    this.forgetChoices();
    this.remember = false;
    this.progress = null;
    this.stage = null;
    this.files = [];
    this.report = null;
    this.error = null;
    this.status = 'idle';
    this.engine.cancel();
    this.keeper?.cancel();
    return storage.forget().catch(() => undefined);
  }

  /**
   * Saves the inputs, secrets masked, when the user asked to be remembered: the masking runs in
   * the keeper's worker, so raw text is never written to this browser's storage. A newer save
   * supersedes one still masking.
   */
  private async persist(): Promise<void> {
    if (!this.remember) return;
    const files = $state.snapshot(this.files).filter((f) => !f.file);
    const log = this.log;
    const sources = [
      ...(log ? [{ name: PASTED, text: log }] : []),
      ...files.map((f) => ({ name: f.name, text: f.text })),
    ];
    try {
      this.keeper ??= this.createKeeper();
      // In the order given: the paste first (when there is one), then the files.
      const masked = (await this.keeper.redact(sources)).map((m) => m.text);
      // Unticked (or cleared) while masking: nothing may be written any more.
      if (!this.remember) return;
      const fileTexts = log ? masked.slice(1) : masked;
      await storage.save({
        log: log ? masked[0]! : '',
        ...(this.logKind ? { logKind: this.logKind } : {}),
        files: files.map((f, i) => ({
          name: f.name,
          text: fileTexts[i]!,
          ...(f.kind ? { kind: f.kind } : {}),
        })),
        nginxVersion: this.nginxVersion,
      });
    } catch (error) {
      if (error instanceof Superseded) return;
      this.error = `Could not save your inputs in this browser: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  inputs(): SourceFile[] {
    const inputs: SourceFile[] = this.files
      .filter((f) => !f.file)
      .map((f) => ({
        name: f.name,
        text: f.text,
        ...(f.kind ? { kind: f.kind } : {}),
        ...(f.segmentKinds?.length ? { segmentKinds: f.segmentKinds } : {}),
      }));
    if (this.log.trim())
      inputs.unshift({
        name: PASTED,
        text: this.log,
        ...(this.logKind ? { kind: this.logKind } : {}),
        ...(this.logSegmentKinds.length > 0 ? { segmentKinds: this.logSegmentKinds } : {}),
      });
    return inputs;
  }

  /** The Files the worker opens itself, under the names shown for them. */
  private workerFiles(): { name: string; file: File }[] {
    return this.files.flatMap((f) => (f.file ? [{ name: f.name, file: f.file }] : []));
  }

  private schedule(delay = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
  }

  /**
   * The same analysis on the raw inputs, for the user's explicit "download raw" only. A
   * separate worker, so it neither supersedes nor is superseded by the live analysis; it is
   * stopped as soon as the answer is in, so no raw text lingers in a worker.
   */
  async rawReport(): Promise<Report> {
    const engine = this.createRawEngine();
    try {
      const version = this.nginxVersion.trim();
      return await engine.analyze(
        $state.snapshot(this.inputs()),
        {
          ...(version ? { nginxVersion: version } : {}),
          disabledFixes: $state.snapshot(this.disabledFixes),
          enabledFixes: $state.snapshot(this.enabledFixes),
          raw: true,
        },
        this.workerFiles(),
      );
    } finally {
      engine.dispose();
    }
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    void this.persist();
    const inputs = this.inputs();
    const files = this.workerFiles();
    if (inputs.length === 0 && files.length === 0) {
      this.report = null;
      this.status = 'idle';
      return;
    }
    this.status = 'analyzing';
    const started = Date.now();
    const onStage = (stage: StageProgress) => {
      if (Date.now() - started >= STAGES_AFTER_MS) this.stage = stage;
    };
    try {
      // $state.snapshot: the worker gets plain objects, not Svelte proxies (which cannot be cloned).
      const version = this.nginxVersion.trim();
      const report = await this.engine.analyze(
        $state.snapshot(inputs),
        {
          ...(version ? { nginxVersion: version } : {}),
          disabledFixes: $state.snapshot(this.disabledFixes),
          enabledFixes: $state.snapshot(this.enabledFixes),
        },
        files,
        (progress) => (this.progress = progress),
        onStage,
      );
      this.report = report;
      this.progress = null;
      this.stage = null;
      this.error = null;
      this.status = 'done';
    } catch (error) {
      if (error instanceof Superseded) return;
      this.progress = null;
      this.stage = null;
      this.error =
        error instanceof EngineFailure ? error.message : `Unexpected error: ${String(error)}`;
      this.status = 'failed';
    }
  }

  private uniqueName(name: string): string {
    const taken = (candidate: string) => this.files.some((f) => f.name === candidate);
    if (!taken(name)) return name;
    let n = 2;
    while (taken(`${name} (${n})`)) n++;
    return `${name} (${n})`;
  }
}
