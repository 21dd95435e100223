/**
 * Which lines of a region are log lines, as they reach a paste: each line is decoded as the
 * engine's log decoders decode it; a traceback or an indented line right after a log line
 * belongs to it; a line wrapped mid-field by a terminal or a web page is joined back onto the
 * line it was cut from when the joined line decodes to more than the first part did.
 */
import type { EventSource } from '../model.ts';
import { decodeWith } from '../logs/index.ts';
import type { DecodedLine } from '../logs/index.ts';
import { isBlank } from './lines.ts';

type Formats = Parameters<typeof decodeWith>[1];

export interface LogLine {
  source: EventSource;
  /** Set on a line that was wrapped: the whole line, with the next `joined` lines appended. */
  text?: string;
  joined?: number;
  /** A traceback or detail line of the log line above (it decodes to nothing itself). */
  continuation?: boolean;
  /** A piece of the line above that a wrap cut off: already part of that line's `text`. */
  wrapped?: boolean;
}

/** Widths terminals wrap at: a line cut at exactly one of these lost no space. */
const WRAP_WIDTHS = new Set([80, 100, 120, 132, 150, 160, 180, 200]);
/** A wrapped line is joined back at most this many times. */
const MAX_JOINS = 8;

const TRACEBACK =
  /^(Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause|[\w.]+(Error|Exception|Exit|Interrupt|Warning)(:|$)|\s*\^+\s*$)/;

function score(d: DecodedLine | null): number {
  if (!d) return -1;
  let s = d.kind !== 'other' ? 3 : 0;
  for (const k of ['time', 'method', 'path', 'upstream', 'status', 'phase'] as const)
    if (d[k] !== undefined) s++;
  return s + Object.keys(d.fields ?? {}).length;
}

/**
 * Lines no log format writes, so they are not decoded at all (most of a big config): ending
 * in `;` or `{` like an nginx statement, a lone `}`, a `#` comment.
 */
const NEVER_LOG = /[;{]\s*$|^\s*}\s*$|^\s*#/;

const decode = (text: string, formats: Formats) =>
  isBlank(text) || NEVER_LOG.test(text) ? null : decodeWith(text, formats);

/** Per line: the log source when it is a log line (or belongs to one), else undefined. */
export function logLines(texts: readonly string[], formats: Formats): (LogLine | undefined)[] {
  const out: (LogLine | undefined)[] = new Array(texts.length);
  let i = 0;
  while (i < texts.length) {
    const text = texts[i] as string;
    const decoded = decode(text, formats);
    if (!decoded) {
      i++;
      continue;
    }
    const line: LogLine = { source: decoded.source };
    out[i] = line;
    // Join the lines a wrap cut off, while each join decodes to more.
    let best = decoded;
    let whole = text;
    let j = i + 1;
    while (j < texts.length && j - i <= MAX_JOINS) {
      const next = texts[j] as string;
      if (isBlank(next) || /^\s/.test(next) || TRACEBACK.test(next)) break;
      // The rest of a cut line may decode on its own, as a fragment without a time.
      const alone = decode(next, formats);
      if (alone && (alone.time !== undefined || alone.kind !== 'other')) break;
      const glued = [whole + next, `${whole} ${next}`].map((t) => ({
        t,
        d: decodeWith(t, formats),
      }));
      const [tight, spaced] = glued as [
        { t: string; d: DecodedLine | null },
        { t: string; d: DecodedLine | null },
      ];
      const prefer = WRAP_WIDTHS.has(texts[j - 1]!.length) ? tight : spaced;
      const other = prefer === tight ? spaced : tight;
      const pick = score(other.d) > score(prefer.d) ? other : prefer;
      if (score(pick.d) <= score(best)) break;
      best = pick.d as DecodedLine;
      whole = pick.t;
      j++;
    }
    if (j > i + 1) {
      line.text = whole;
      line.joined = j - i - 1;
      for (let k = i + 1; k < j; k++) out[k] = { source: decoded.source, wrapped: true };
    }
    i = j;
    // Traceback and indented detail lines right after belong to this line.
    while (i < texts.length) {
      const next = texts[i] as string;
      if (isBlank(next) || !(TRACEBACK.test(next) || /^\s+\S/.test(next))) break;
      if (decode(next, formats)) break;
      out[i] = { source: decoded.source, continuation: true };
      i++;
    }
  }
  return out;
}
