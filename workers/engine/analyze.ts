/**
 * The engine's pipeline, top to bottom:
 *   detect → redact → parse → decode logs → topology → incidents → rules → fix → report.
 * (The topology comes from the configs, and from what the logs show of them where no config
 * was pasted; incidents come after it, so failures are grouped by the config's upstream blocks.)
 * Secrets are masked right after detection, so no tree, event, finding, diff or patch ever
 * holds one (unless the caller asks for raw fixed files, mapped back at the very end).
 */
import type { AnalyzeOptions, FileReport, Report, SourceFile, StageProgress } from './model.ts';
import type { ParsedFile } from './formats/types.ts';
import type { NginxFile } from './formats/nginx/index.ts';
import { intake } from './pipeline/detect.ts';
import { redactClassified } from './pipeline/redact.ts';
import { parseInput } from './pipeline/parse.ts';
import { decodeEvents, withIncidents } from './pipeline/decode.ts';
import { resolveNginxVersion } from './pipeline/version.ts';
import { diagnose, diagnoseTopology } from './pipeline/diagnose.ts';
import { buildTopology, observe, upstreamGroupOf } from './topology/index.ts';
import type { ConfigError } from './formats/nginx/index.ts';
import { applyFixes } from './fix/index.ts';
import { fixedFiles, shownEdits, textsOnce, toFinding } from './pipeline/report.ts';
import { evidenceTexts } from './pipeline/evidence.ts';
import { timerLadders, withTiming } from './pipeline/ladders.ts';
import { onPasteLines } from './pipeline/paste.ts';
import { withPlaces } from './pipeline/places.ts';
import { withUnexplained } from './rules/lib/unexplained.ts';
import { summarizeIncident } from './logs/index.ts';
import type { StreamedLog } from './pipeline/stream.ts';
import type { Unreadable } from './archive/index.ts';

/** The steps of an analysis, as the page names them while a big one runs. */
export const STAGES = [
  'splitting the text into its inputs',
  'masking secrets',
  'parsing configs',
  'reading log lines',
  'tracing each request path',
  'checking the rules',
  'verifying the fixes',
] as const;

/** Told as each step starts: which (1-based) of how many, and its name. */
export type OnStage = (stage: StageProgress) => void;

export function analyze(
  sources: readonly SourceFile[],
  options: AnalyzeOptions = {},
  /** Huge logs already streamed through the aggregator (see pipeline/stream.ts). */
  streamed: readonly StreamedLog[] = [],
  /** Dropped files that could not be read (binary, encrypted, damaged archives) and why. */
  unreadable: readonly Unreadable[] = [],
  onStage?: OnStage,
): Report {
  const stage = (step: number) =>
    onStage?.({ step: step + 1, of: STAGES.length, label: STAGES[step]! });

  // 1. detect: what each input is (pastes split into segments, dumps into their files)
  stage(0);
  const { inputs: classified, pastes: segmented } = intake(sources);

  // 2. redact: mask secrets before anything else reads the text
  stage(1);
  const { inputs, pastes, redactions } = redactClassified(classified, segmented);

  // 3. parse: configs through their lossless parsers; logs and unknown text are set aside
  stage(2);
  const parsed = new Map<string, ParsedFile>();
  for (const input of inputs) {
    const file = parseInput(input);
    if (file) parsed.set(input.name, file);
  }
  const configs = [...parsed.values()];
  const nginxFiles = configs.filter((f): f is NginxFile => f.kind === 'nginx');

  // 4. decode log lines, in the config's access log formats
  stage(3);
  const decoded = decodeEvents(
    inputs.filter((i) => i.kind === 'log'),
    nginxFiles,
    streamed,
  );

  // 5–6. topology and rules. What they build (every directive placed in the whole config, each
  //      location's path) is let go before fixes are verified, which builds it all again.
  const { version, source: versionSource } = resolveNginxVersion(sources, options.nginxVersion);
  const { logs, hits, ladders, configErrors } = traceAndDiagnose(
    configs,
    version,
    decoded,
    streamed,
    stage,
  );
  for (const f of configs) f.release?.();

  // 7. fix: apply the wanted fixes one by one, keeping those that verify
  stage(6);
  const errorCount = (files: readonly ParsedFile[]) =>
    files.reduce((n, f) => n + f.errors.length, 0);
  const outcome = applyFixes(
    hits,
    inputs,
    options,
    (changed) => {
      const files = configs.map((f) =>
        changed.has(f.name) ? parseInput({ ...f, text: changed.get(f.name)! })! : f,
      );
      const verified = { hits: diagnose(files, logs, version), errors: errorCount(files) };
      for (const f of files) f.release?.();
      return verified;
    },
    errorCount(configs),
  );

  // 8. report, pointing at the user's own lines where a paste held several inputs
  const textOf = new Map(inputs.map((i) => [i.name, options.raw ? i.raw : i.text]));
  const views = {
    placed: outcome.placed,
    shown: shownEdits(inputs, outcome, options.raw === true),
  };
  const withEvidenceText = evidenceTexts(textOf);
  const report: Report = {
    schema: 1,
    nginxVersion: version,
    nginxVersionSource: versionSource,
    files: [
      ...inputs.map((input): FileReport =>
        withConfigErrors(fileReport(input, parsed.get(input.name)), configErrors),
      ),
      ...streamed.map(streamedReport),
      ...unreadable.map((u): FileReport => ({
        name: u.path,
        kind: 'unknown',
        confidence: 0,
        errors: [{ line: 1, message: u.reason }],
      })),
    ],
    events: logs.events,
    unrecognised: logs.unrecognised,
    incidents: logs.incidents.map((i) => ({ ...i, summary: summarizeIncident(i) })),
    // Failures no rule explains get a plain "nothing here explains this" with the checklist.
    // (Not inside diagnose(): fix verification would see a fixed rule's events as new ones.)
    findings: withUnexplained(hits, logs.events).map((hit) =>
      withEvidenceText(withTiming(toFinding(hit, outcome, options, views), ladders)),
    ),
    timers: ladders,
    ...fixedFiles(inputs, outcome, views.shown, options.raw === true),
    redactions: [...redactions, ...streamed.flatMap((s) => s.redactions)],
    sources: inputs.map((i) => ({ name: i.name, kind: i.kind, text: textOf.get(i.name)! })),
  };
  const onPaste = onPasteLines(report, pastes, options.raw === true);
  // Last, so each place's lines are already the paste's: one finding per cause, with its places.
  return textsOnce({ ...onPaste, findings: withPlaces(onPaste.findings) });
}

/**
 * Stages 5 and 6. The topology (each nginx location's path to the app server, with effective
 * settings and where each value came from — and, where no config says, what the logs show of
 * the configs that ran) is reachable only in here: what leaves is plain data. Incidents are
 * grouped by the config's upstream blocks.
 */
function traceAndDiagnose(
  configs: readonly ParsedFile[],
  version: string,
  decoded: ReturnType<typeof decodeEvents>,
  streamed: readonly StreamedLog[],
  stage: (step: number) => void,
) {
  stage(4);
  const topology = buildTopology(configs, version, observe(decoded.events));
  const logs = withIncidents(decoded, streamed, upstreamGroupOf(topology.nginx));
  // rules, ranked by how well the logs support each finding
  stage(5);
  return {
    logs,
    hits: diagnoseTopology(topology, logs),
    ladders: timerLadders(topology, logs.events),
    configErrors: topology.nginx?.errors ?? [],
  };
}

function streamedReport(log: StreamedLog): FileReport {
  const { lines, events, sampled } = log.result.counters;
  return {
    name: log.name,
    kind: 'log',
    confidence: 1,
    errors: [],
    stats: { lines, events, sampled },
  };
}

/**
 * What only the whole configuration shows, on the file and line it concerns: an include cycle,
 * includes that expand past the cap. (An include of a file not pasted, such as mime.types, is
 * the usual case and no problem of the paste.)
 */
function withConfigErrors(report: FileReport, errors: readonly ConfigError[]): FileReport {
  const mine = errors.filter((e) => e.file === report.name && e.kind !== 'unmatched-include');
  if (mine.length === 0) return report;
  return {
    ...report,
    errors: [...report.errors, ...mine.map((e) => ({ line: e.line, message: e.message }))],
  };
}

function fileReport(
  input: { name: string; kind: FileReport['kind']; confidence: number; text: string },
  parsed: ParsedFile | undefined,
): FileReport {
  // An empty log is common (nginx writes nothing below its error_log level): say so, rather
  // than that its format is unknown.
  const unknown =
    input.text.trim() === ''
      ? 'empty: nothing in it to read'
      : 'not recognised as a log or a config format this tool reads';
  const errors =
    input.kind === 'unknown' ? [{ line: 1, message: unknown }] : (parsed?.errors ?? []);
  return { name: input.name, kind: input.kind, confidence: input.confidence, errors };
}
