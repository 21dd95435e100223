import type { Finding } from '../model.ts';

/**
 * Fills in each evidence line's text from the file it points at, so the page can quote it.
 * Returns a function over findings that shares one line index per file (a report can hold
 * hundreds of findings over a large file).
 */
export function evidenceTexts(texts: ReadonlyMap<string, string>): (finding: Finding) => Finding {
  const lines = new Map<string, string[]>();
  const lineOf = (file: string, line: number): string | undefined => {
    let list = lines.get(file);
    if (!list) {
      list = (texts.get(file) ?? '').split(/\r?\n/);
      lines.set(file, list);
    }
    return list[line - 1];
  };
  return (finding) => ({
    ...finding,
    evidence: finding.evidence.map((ev) => {
      if (ev.text !== undefined) return ev;
      const text = lineOf(ev.file, ev.line);
      return text === undefined ? ev : { ...ev, text };
    }),
  });
}
