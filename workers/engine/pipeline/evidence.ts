import type { Finding } from '../model.ts';

/** Fills in each evidence line's text from the file it points at, so the page can quote it. */
export function withEvidenceText(finding: Finding, texts: ReadonlyMap<string, string>): Finding {
  const lines = new Map<string, string[]>();
  const lineOf = (file: string, line: number): string | undefined => {
    if (!lines.has(file)) lines.set(file, (texts.get(file) ?? '').split(/\r?\n/));
    return lines.get(file)![line - 1];
  };
  return {
    ...finding,
    evidence: finding.evidence.map((ev) => {
      if (ev.text !== undefined) return ev;
      const text = lineOf(ev.file, ev.line);
      return text === undefined ? ev : { ...ev, text };
    }),
  };
}
