/**
 * nginx's time and size syntax (ngx_parse_time / ngx_parse_size), so rules can compare a
 * `proxy_read_timeout 1m30s` with a gunicorn `timeout = 30`.
 */

const TIME_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  M: 2592000,
  y: 31536000,
};

/**
 * Seconds in an nginx time value: "60", "60s", "1m30s", "500ms", "1h 30m" (nginx allows spaces
 * between parts). A bare number is seconds. Null when the value is not a time (e.g. a variable).
 */
export function parseDuration(value: string): number | null {
  const s = value.trim();
  if (s === '') return null;
  const re = /(\d+)\s*(ms|s|m|h|d|w|M|y)?\s*/y;
  let total = 0;
  let pos = 0;
  let lastUnit = Infinity;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    const unit = TIME_UNITS[m[2] ?? 's'] as number;
    // nginx wants units in decreasing order and each at most once ("1m30s", not "30s1m").
    if (unit >= lastUnit) return null;
    lastUnit = unit;
    total += Number(m[1]) * unit;
    pos = re.lastIndex;
    if (m[2] === undefined && pos < s.length) return null;
  }
  return total;
}

/** Bytes in an nginx size value: "8k", "1m", "1g", "4096". Null when it is not a size. */
export function parseSize(value: string): number | null {
  const m = /^\s*(\d+)([kKmMgG]?)\s*$/.exec(value);
  if (!m) return null;
  const unit = (m[2] as string).toLowerCase();
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(m[1]) * mult;
}

/** Formats seconds the way nginx configs usually write them ("90s", "5m", "1h"). */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${Math.round(seconds * 1000)}ms`;
}
