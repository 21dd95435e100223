/**
 * `JSON.stringify(value, null, 2)`, handed out in pieces. A fleet's report is over 100 MB of
 * JSON: as one string, then one Buffer of it for stdout, it doubled the CLI's peak memory and
 * took seconds to encode. Containers near the top are opened level by level; below `DEPTH`
 * each value is one `JSON.stringify` call, re-indented (JSON text holds no raw line feed inside
 * a string, so every line feed is a line break of the layout).
 */
const DEPTH = 4;

/** What JSON.stringify leaves out of an object and writes as null in an array. */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function own(value: unknown, key: string): unknown {
  const v = value as { toJSON?: (key: string) => unknown } | null;
  return v !== null && typeof v === 'object' && typeof v.toJSON === 'function'
    ? v.toJSON(key)
    : value;
}

/**
 * JSON.stringify(value, null, 2) as it reads `depth` levels down: stringified inside `depth`
 * one-element arrays, which indent it exactly so, then cut out (faster than re-indenting
 * every line of a large value).
 */
function nested(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Level i (1-based) adds "[\n" and 2i spaces before the value, "\n", 2(i-1) spaces and "]"
  // after it: d(d+3) characters before and d(d+1) after, over d levels.
  return text.slice(depth * (depth + 3), text.length - depth * (depth + 1));
}

function pieces(value: unknown, indent: string, depth: number, out: (s: string) => void): void {
  if (value === null || typeof value !== 'object' || depth >= DEPTH) {
    out(nested(value, depth));
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return out('[]');
    out('[');
    value.forEach((item, i) => {
      out((i === 0 ? '\n' : ',\n') + inner);
      const v = own(item, String(i));
      if (skipped(v)) out('null');
      else pieces(v, inner, depth + 1, out);
    });
    return out('\n' + indent + ']');
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const v = own((value as Record<string, unknown>)[key], key);
    if (skipped(v)) continue;
    out((first ? '{\n' : ',\n') + inner + JSON.stringify(key) + ': ');
    first = false;
    pieces(v, inner, depth + 1, out);
  }
  out(first ? '{}' : '\n' + indent + '}');
}

/** Calls `write` with JSON.stringify(value, null, 2) + '\n' in pieces of about `size` chars. */
export function writeJson(value: unknown, write: (chunk: string) => void, size = 1 << 20): void {
  let parts: string[] = [];
  let length = 0;
  const flush = () => {
    if (parts.length > 0) write(parts.join(''));
    parts = [];
    length = 0;
  };
  pieces(own(value, ''), '', 0, (s) => {
    parts.push(s);
    length += s.length;
    if (length >= size) flush();
  });
  parts.push('\n');
  flush();
}
