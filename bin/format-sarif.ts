/**
 * The report as SARIF 2.1.0 (OASIS), for code scanning: one rule descriptor per engine rule
 * (its docs and fix-safety note as help), one result per finding and place, with the first evidence line
 * as its location and the rest as related locations, and for each applied fix a SARIF `fix`
 * whose `artifactChanges` are the engine's own edits (`Finding.fix.edits`). Checked against the
 * official schema in tests/cli/sarif.test.ts.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Report, Severity } from '../workers/engine/model.ts';
import { rules } from '../workers/engine/rules/index.ts';
import { unexplainedEvents } from '../workers/engine/rules/lib/unexplained.ts';
import { eachPlace } from '../workers/engine/pipeline/places.ts';
import { version } from './version.ts';
import type { RuleMeta } from '../workers/engine/rules/types.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** A file as the CLI was given it, as a SARIF URI: relative paths stay relative. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function descriptor(meta: RuleMeta) {
  const help = `${meta.docs}\n\nFix safety: ${meta.fixSafety}`;
  return {
    id: meta.id,
    name: meta.title,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.docs },
    help: { text: help, markdown: `${meta.docs}\n\n**Fix safety:** ${meta.fixSafety}` },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { cause: meta.cause, fixSafety: meta.fixSafety, tags: ['nginx', meta.cause] },
  };
}

function location(file: string, line: number, note?: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: artifactUri(file) },
      region: { startLine: Math.max(1, line) },
    },
    ...(note ? { message: { text: note } } : {}),
  };
}

/**
 * The applied change, as SARIF replacements on the files the CLI read (not paste segments).
 * `files`: those whose offsets are the file's own (a redacted report's offsets are not, in a
 * file where something was masked).
 */
function fixesOf(finding: Finding, files: ReadonlySet<string>) {
  const edits = (finding.fix?.edits ?? []).filter((e) => files.has(e.file));
  if (!finding.fix || edits.length === 0) return [];
  const byFile = new Map<string, typeof edits>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [
    {
      description: { text: finding.fix.description },
      artifactChanges: [...byFile].map(([file, list]) => ({
        artifactLocation: { uri: artifactUri(file) },
        replacements: list
          .sort((a, b) => a.start - b.start)
          .map((e) => ({
            deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
            insertedContent: { text: e.text },
          })),
      })),
    },
  ];
}

/** `redacted`: the report was built with secrets masked (`--redact`). */
export function formatSarif(report: Report, redacted: boolean): string {
  const metas = [...rules.map((r) => r.meta), unexplainedEvents.meta];
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const masked = new Set(redacted ? report.redactions.map((r) => r.file) : []);
  const real = new Set(
    report.files.filter((f) => !f.segments && !masked.has(f.name)).map((f) => f.name),
  );
  // One result per place: code scanning keeps an alert per location (and fingerprint).
  const results = report.findings.flatMap(eachPlace).map((f) => {
    const [first, ...rest] = f.evidence;
    return {
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule)! } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.title}: ${f.message}` },
      locations: first ? [location(first.file, first.line, first.note)] : [],
      relatedLocations: rest.map((e, i) => ({ id: i + 1, ...location(e.file, e.line, e.note) })),
      ...(f.key ? { partialFingerprints: { 'upstreamDoctorKey/v1': f.key } } : {}),
      fixes: f.fix?.applied || f.fix?.alternative?.applied ? fixesOf(f, real) : [],
      properties: {
        cause: f.cause,
        role: f.role,
        explains: f.explains,
        confidence: f.confidence ?? 0,
        ...(f.fix ? { fixSafety: f.fix.safety, fixApplied: f.fix.applied } : {}),
      },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'upstream-doctor',
            version: version(),
            semanticVersion: version(),
            rules: metas.map(descriptor),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { nginxVersion: report.nginxVersion, redactions: report.redactions.length },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
