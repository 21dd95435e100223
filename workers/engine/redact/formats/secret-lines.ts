/**
 * Kubernetes Secret `data` / `stringData` read line by line, without a YAML parser: for
 * manifests too large to parse, Helm templates and half-pasted YAML the parser gives up on.
 * A document (`---`-separated) with a top-level `kind: Secret` has its `data:` and
 * `stringData:` sections' values hidden, block scalars (`key: |`) included.
 */
import type { Candidate } from '../types.ts';
import { isTemplateOrMasked } from '../filters.ts';
import { forEachLine } from '../scan.ts';

export function findSecretDataLines(text: string): Candidate[] {
  if (!/^kind:[ \t]*["']?Secret\b/m.test(text)) return [];
  const out: Candidate[] = [];
  const lines: { text: string; start: number }[] = [];
  forEachLine(text, (line, start) => lines.push({ text: line, start }));
  let docStart = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---(?:\s|$)/.test(lines[i]!.text)) {
      scanDocument(lines, docStart, i, out);
      docStart = i + 1;
    }
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
    const m = /^(\s+)(["']?[^:"']+["']?):[ \t]*(.*)$/.exec(text);
    if (!m) continue;
    const value = m[3]!.replace(/[ \t]+#.*$/, '');
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
