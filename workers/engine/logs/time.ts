/**
 * Time helpers. A decoded `time` is ISO 8601 exactly as precise as the line: zone-less when the
 * log has no zone (nginx error log, uWSGI, php-fpm), with its offset when it has one.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 1-based month number of an English three-letter month name, or 0. */
export function monthNumber(name: string): number {
  const i = MONTHS.indexOf(name.slice(0, 1).toUpperCase() + name.slice(1, 3).toLowerCase());
  return i + 1;
}

export function pad2(n: number | string): string {
  return String(n).padStart(2, '0');
}

/** "+0000" / "+00:00" / "Z" -> "+00:00" / "Z"; anything else -> "". */
export function isoOffset(zone: string | undefined): string {
  if (!zone) return '';
  if (zone === 'Z' || zone === 'z') return 'Z';
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  return m ? `${m[1]}${m[2]}:${m[3]}` : '';
}

/** Builds a zone-less or zoned ISO string from parts; returns undefined for impossible dates. */
export function isoTime(
  year: number,
  month: number,
  day: number,
  clock: string,
  zone = '',
): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || !/^\d\d:\d\d:\d\d(\.\d+)?$/.test(clock)) {
    return undefined;
  }
  const [h, m, s] = clock.split(':').map(Number) as [number, number, number];
  if (h > 23 || m > 59 || s >= 61) return undefined;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${clock}${zone}`;
}

/** "Tue Mar 26 14:03:21 2024" (asctime, as uWSGI and dmesg -T write) -> zone-less ISO. */
export function fromAsctime(text: string): string | undefined {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})$/.exec(text);
  if (!m) return undefined;
  return isoTime(Number(m[4]), monthNumber(m[1]!), Number(m[2]), m[3]!);
}

/** "02/Jan/2024:03:04:05 +0000" ($time_local) -> "2024-01-02T03:04:05+00:00". */
export function fromTimeLocal(text: string): string | undefined {
  const m = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})$/.exec(text);
  if (!m) return undefined;
  return isoTime(Number(m[3]), monthNumber(m[2]!), Number(m[1]), m[4]!, isoOffset(m[5]));
}

/** An ISO-like stamp ("2024-01-02 03:04:05,123 +0000", "2024-01-02T03:04:05.1Z") -> ISO. */
export function fromIsoLike(text: string): string | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d+))? ?(Z|[+-]\d\d:?\d\d)?$/.exec(
    text,
  );
  if (!m) return undefined;
  const clock = m[5] ? `${m[4]}.${m[5]}` : m[4]!;
  return isoTime(Number(m[1]), Number(m[2]), Number(m[3]), clock, isoOffset(m[6]));
}

/** A time resolved for comparison: seconds on the wall clock as written, and absolute if zoned. */
export interface Instant {
  /** Seconds since 1970 reading the wall clock as if it were UTC (ignores the offset). */
  wall: number;
  /** True seconds since 1970 when the time carries a zone. */
  abs?: number;
}

/** Parses a decoded ISO time (zoned or zone-less). Undefined when it is not one. */
export function toInstant(iso: string): Instant | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.exec(iso);
  if (!m) return undefined;
  const wallMs = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  if (Number.isNaN(wallMs)) return undefined;
  const wall = wallMs / 1000 + (m[7] ? Number(m[7]) : 0);
  if (!m[8]) return { wall };
  if (m[8] === 'Z') return { wall, abs: wall };
  const sign = m[8][0] === '-' ? -1 : 1;
  const offset = sign * (Number(m[8].slice(1, 3)) * 3600 + Number(m[8].slice(4, 6)) * 60);
  return { wall, abs: wall - offset };
}

/** Seconds since 1970 -> ISO, zone-less ("wall") or UTC ("abs"). Whole seconds. */
export function fromSeconds(seconds: number, basis: 'wall' | 'abs'): string {
  const iso = new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19);
  return basis === 'abs' ? `${iso}Z` : iso;
}

/**
 * Places a year-less syslog time ("Dec 19 03:29:30") in the year that puts it nearest to
 * `near` (wall seconds). Used only by correlation, where other lines supply the year.
 */
export function placeSyslogTime(text: string, near: number): string | undefined {
  const m = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const year = new Date(near * 1000).getUTCFullYear();
  let best: string | undefined;
  let bestDiff = Infinity;
  for (const y of [year - 1, year, year + 1]) {
    const iso = isoTime(y, monthNumber(m[1]!), Number(m[2]), m[3]!);
    const inst = iso ? toInstant(iso) : undefined;
    if (inst && Math.abs(inst.wall - near) < bestDiff) {
      bestDiff = Math.abs(inst.wall - near);
      best = iso;
    }
  }
  return best;
}
