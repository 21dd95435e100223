/**
 * Kubernetes Secret `data` / `stringData` read line by line, without a YAML parser: for
 * manifests too large to parse, Helm templates and half-pasted YAML the parser gives up on.
 * A document (`---`-separated) with a top-level `kind: Secret` has its `data:` and
 * `stringData:` sections' values hidden, block scalars (`key: |`) included.
 */
import type { Candidate } from '../types.ts';
import { isTemplateOrMasked } from '../filters.ts';
import { forEachLine } from '../scan.ts';
import { withoutComment } from '../../strings.ts';

export function findSecretDataLines(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Only documents that declare a Secret are split into lines.
  const starts = [0];
  for (const m of text.matchAll(/^---(?=[ \t\r\n]|$)/gm)) if (m.index > 0) starts.push(m.index);
  starts.push(text.length);
  for (let d = 0; d + 1 < starts.length; d++) {
    const from = starts[d]!;
    const doc = text.slice(from, starts[d + 1]);
    if (!/^kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?\r?$/m.test(doc)) continue;
    const lines: { text: string; start: number }[] = [];
    forEachLine(doc, (line, start) => lines.push({ text: line, start: from + start }));
    // The first line of a later document is its `---`.
    scanDocument(lines, d === 0 ? 0 : 1, lines.length, out);
  }
  return out;
}

function indentOf(line: string): number {
  let n = 0;
  while (line[n] === ' ') n++;
  return n;
}

function scanDocument(
  lines: { text: string; start: number }[],
  from: number,
  to: number,
  out: Candidate[],
): void {
  if (
    !lines.slice(from, to).some((l) => /^kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?$/.test(l.text))
  )
    return;
  let inData = false;
  for (let i = from; i < to; i++) {
    const { text, start } = lines[i]!;
    if (text.trim() === '' || /^\s*#/.test(text)) continue;
    const indent = indentOf(text);
    if (indent === 0) {
      inData = /^(?:data|stringData):[ \t]*(?:#.*)?$/.test(text);
      continue;
    }
    if (!inData) continue;
    const m = /^([ \t]+)(["']?[^:"'\s][^:"']*["']?):(.*)$/.exec(text);
    if (!m) continue;
    const value = withoutComment(m[3]!.trimStart());
    if (/^[|>][-+0-9]*$/.test(value.trim())) {
      // Block scalar: the more-indented lines that follow are the value.
      let j = i + 1;
      let last = -1;
      while (j < to && (lines[j]!.text.trim() === '' || indentOf(lines[j]!.text) > indent)) {
        if (lines[j]!.text.trim() !== '') last = j;
        j++;
      }
      if (last > i) {
        const first = lines[i + 1]!;
        const s = first.start + indentOf(first.text);
        const e = lines[last]!.start + lines[last]!.text.trimEnd().length;
        if (e > s) out.push({ start: s, end: e, kind: 'k8s-secret', layer: 'format' });
      }
      i = j - 1;
      continue;
    }
    let vStart = m[1]!.length + m[2]!.length + 1;
    while (text[vStart] === ' ' || text[vStart] === '\t') vStart++;
    let vEnd = vStart + value.trim().length;
    if (
      vEnd - vStart >= 2 &&
      (text[vStart] === '"' || text[vStart] === "'") &&
      text[vEnd - 1] === text[vStart]
    ) {
      vStart++;
      vEnd--;
    }
    const v = text.slice(vStart, vEnd);
    if (v.length > 0 && !isTemplateOrMasked(v))
      out.push({ start: start + vStart, end: start + vEnd, kind: 'k8s-secret', layer: 'format' });
  }
}
