/**
 * Helm/Go (`{{ … }}`) and Jinja (`{% … %}`, `{# … #}`) templates inside manifests. They are
 * not YAML, so before parsing each template action is masked in place (same length, so every
 * offset and line stays true): a line holding only actions becomes blank, an action inside a
 * value becomes private-use characters, which the readers report as "filled in by a template".
 */

/** Stands for a templated character in masked text (U+E000, a printable YAML character). */
export const TEMPLATE_CHAR = '\uE000';

export function hasTemplates(text: string): boolean {
  return /\{\{|\{%|\{#/.test(text);
}

export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes(TEMPLATE_CHAR);
}

export function maskTemplates(text: string): string {
  if (!hasTemplates(text)) return text;
  const out = text.split('');
  const re = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
  for (const m of text.matchAll(re)) {
    const start = m.index!;
    const end = start + m[0].length;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    let lineEnd = text.indexOf('\n', end);
    if (lineEnd === -1) lineEnd = text.length;
    // Alone on its line(s), with other actions at most: blank it; inside a value: mask it.
    const rest = (text.slice(lineStart, start) + text.slice(end, lineEnd)).replace(re, '');
    const alone = rest.trim() === '';
    for (let i = start; i < end; i++) {
      if (out[i] === '\n' || out[i] === '\r') continue;
      out[i] = alone ? ' ' : TEMPLATE_CHAR;
    }
  }
  return out.join('');
}
