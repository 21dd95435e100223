/**
 * The report of a paste's segments, pointed back at the paste. Each segment was analysed as a
 * file of its own (named by its caption, else `pasted #2 (nginx)`); here every event, evidence
 * line, error and redaction on a segment is moved to the paste's own line, so the page and the
 * CLI show the user's text as they gave it. Fixed files keep their segment names: the diff
 * shows each fixed segment as the file it is.
 */
import type {
  Evidence,
  FileError,
  FileReport,
  LogEvent,
  Redaction,
  Report,
  SegmentReport,
} from '../model.ts';
import { isInput } from '../intake/index.ts';
import type { RedactedPaste } from './redact.ts';

interface Place {
  paste: RedactedPaste;
  lineMap: number[];
}

export function onPasteLines(
  report: Report,
  pastes: readonly RedactedPaste[],
  raw: boolean,
): Report {
  if (pastes.length === 0) return report;
  const places = new Map<string, Place>();
  for (const paste of pastes)
    for (const s of paste.segments) places.set(s.name, { paste, lineMap: s.lineMap });
  const at = <T extends { file: string; line: number }>(ref: T): T => {
    const place = places.get(ref.file);
    if (!place) return ref;
    const line = place.lineMap[ref.line - 1] ?? place.lineMap.at(-1) ?? ref.line;
    return { ...ref, file: place.paste.name, line };
  };
  // "uwsgi_pass 127.0.0.1:9090 (pasted #3 (log):1)" in a message: the paste's line instead.
  const names = [...places.keys()].sort((a, b) => b.length - a.length);
  const reference = new RegExp(`(${names.map(escape).join('|')}):(\\d+)`, 'g');
  const retext = (text: string) =>
    text.replace(reference, (whole, name: string, line: string) => {
      const place = places.get(name);
      const mapped = place?.lineMap[Number(line) - 1];
      return place && mapped ? `${place.paste.name}:${mapped}` : whole;
    });
  const events = new Map<LogEvent, LogEvent>();
  const event = (e: LogEvent) => {
    let moved = events.get(e);
    if (!moved) events.set(e, (moved = at(e)));
    return moved;
  };
  return {
    ...report,
    files: pasteFiles(report.files, pastes, places, at),
    events: report.events.map(event),
    unrecognised: report.unrecognised?.map((u) => {
      const place = places.get(u.file);
      return place
        ? { file: place.paste.name, lines: u.lines.map((l) => place.lineMap[l - 1] ?? l) }
        : u;
    }),
    incidents: report.incidents?.map((i) => ({
      ...i,
      related: i.related.map((r) => ({ ...r, event: event(r.event) })),
      ...(i.untimed ? { untimed: i.untimed.map(event) } : {}),
    })),
    findings: report.findings.map((f) => {
      const moved = {
        ...f,
        title: retext(f.title),
        message: retext(f.message),
        evidence: f.evidence.map((e) => {
          const m = at<Evidence>(e);
          return m.note ? { ...m, note: retext(m.note) } : m;
        }),
      };
      if (f.compared) moved.compared = f.compared.map((c) => ({ ...c, source: retext(c.source) }));
      if (f.fix) moved.fix = { ...f.fix, description: retext(f.fix.description) };
      return moved;
    }),
    // The ladders say where each timer's value is written ("nginx.conf:2"): on the paste too.
    ...(report.timers
      ? {
          timers: report.timers.map((l) => ({
            ...l,
            timers: l.timers.map((t) => ({ ...t, source: retext(t.source) })),
          })),
        }
      : {}),
    redactions: pasteRedactions(report.redactions, pastes, places, at),
    sources: pasteSources(report.sources, pastes, places, raw),
  };
}

/** A paste's file entry (kind `mixed`, its segments) where its first segment's entry was. */
function pasteFiles(
  files: readonly FileReport[],
  pastes: readonly RedactedPaste[],
  places: ReadonlyMap<string, Place>,
  at: <T extends { file: string; line: number }>(ref: T) => T,
): FileReport[] {
  const out: FileReport[] = [];
  const placed = new Set<RedactedPaste>();
  for (const file of files) {
    const place = places.get(file.name);
    if (!place) {
      out.push(file);
      continue;
    }
    if (placed.has(place.paste)) continue;
    placed.add(place.paste);
    const { paste } = place;
    const segments: SegmentReport[] = paste.segments.map((s) => {
      const own = files.find((f) => f.name === s.name);
      const errors: FileError[] = (own?.errors ?? []).map((e) => {
        const moved = at({ file: s.name, line: e.line });
        return { line: moved.line, message: e.message };
      });
      return {
        name: s.name,
        kind: s.kind,
        from: s.from,
        to: s.to,
        confidence: s.confidence,
        errors,
        ...(s.sameAs ? { sameAs: s.sameAs } : {}),
      };
    });
    out.push({
      name: paste.name,
      kind: 'mixed',
      confidence: 1,
      errors: segments.flatMap((s) => s.errors),
      segments,
    });
  }
  return out;
}

/**
 * Segment redactions at their paste lines, and those only the whole paste had (a key in a
 * sentence, between the segments).
 */
function pasteRedactions(
  redactions: readonly Redaction[],
  pastes: readonly RedactedPaste[],
  places: ReadonlyMap<string, Place>,
  at: <T extends { file: string; line: number }>(ref: T) => T,
): Redaction[] {
  const covered = new Map<string, Set<number>>();
  for (const paste of pastes)
    covered.set(
      paste.name,
      new Set(paste.segments.flatMap((s) => (isInput(s.kind) ? s.lineMap : []))),
    );
  return redactions.flatMap((r) => {
    if (places.has(r.file)) return [at(r)];
    const lines = covered.get(r.file);
    return lines && lines.has(r.line) ? [] : [r];
  });
}

function pasteSources(
  sources: Report['sources'],
  pastes: readonly RedactedPaste[],
  places: ReadonlyMap<string, Place>,
  raw: boolean,
): Report['sources'] {
  if (!sources) return sources;
  const out = sources.filter((s) => !places.has(s.name));
  for (const paste of pastes)
    out.push({ name: paste.name, kind: 'mixed', text: raw ? paste.raw : paste.text });
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
