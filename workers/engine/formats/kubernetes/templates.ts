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
  const actions = templateActions(text);
  for (const [start, end] of actions) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    let lineEnd = text.indexOf('\n', end);
    if (lineEnd === -1) lineEnd = text.length;
    // Alone on its line(s), with other actions at most: blank it; inside a value: mask it.
    const rest = text.slice(lineStart, start) + text.slice(end, lineEnd);
    const alone = removeActions(rest).trim() === '';
    for (let i = start; i < end; i++) {
      if (out[i] === '\n' || out[i] === '\r') continue;
      out[i] = alone ? ' ' : TEMPLATE_CHAR;
    }
  }
  return out.join('');
}

const CLOSE: Record<string, string> = { '{': '}}', '%': '%}', '#': '#}' };

/**
 * Every `{{ … }}`, `{% … %}`, `{# … #}` action as [start, end): found by indexOf, never by a
 * pattern that searched to the end of the text again for each unclosed opener.
 */
export function templateActions(text: string): [number, number][] {
  const out: [number, number][] = [];
  // Once a closer is missing from some point on, no later opener of that kind can close.
  const closed = new Map<string, number>();
  for (let i = text.indexOf('{'); i >= 0 && i < text.length - 1; i = text.indexOf('{', i + 1)) {
    const close = CLOSE[text[i + 1]!];
    if (!close) continue;
    let at = closed.get(close);
    if (at === undefined || (at >= 0 && at < i + 2)) {
      at = text.indexOf(close, i + 2);
      closed.set(close, at);
    }
    if (at < 0) continue;
    out.push([i, at + 2]);
    i = at + 1;
  }
  return out;
}

function removeActions(text: string): string {
  let out = '';
  let from = 0;
  for (const [start, end] of templateActions(text)) {
    out += text.slice(from, start);
    from = end;
  }
  return out + text.slice(from);
}
