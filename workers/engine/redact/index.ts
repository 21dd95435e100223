/**
 * Secret redaction: find every credential in the pasted files and replace it with a stable
 * placeholder (`«redacted:aws-secret-key:1»`), leaving keys, quotes, line breaks and everything
 * else alone so the redacted files still parse and diffs still read.
 *
 * Three kinds of detectors run on every file:
 * - format-aware (formats/): credentials by position in nginx, gunicorn, uWSGI/php-fpm ini,
 *   Kubernetes/YAML and .env files, chosen by the file's kind (all of them for `unknown`);
 * - vendor formats (vendor/): keys with a recognisable shape, wherever they are pasted;
 * - common shapes (common/): URI passwords, Authorization values, URL query secrets, command-line
 *   flags, and the keyword + value layer.
 * Overlapping finds are merged (mask.ts); the same secret gets the same placeholder in every file.
 */
import type { FileKind, Redaction } from '../model.ts';
import type { Candidate, Detector, RedactedSpan } from './types.ts';
import { findAuthHeaders } from './common/auth-header.ts';
import { findCommandLineSecrets } from './common/cli.ts';
import { findCookies } from './common/cookie.ts';
import { findKeywordAssignments } from './common/generic.ts';
import { findNameValuePairs } from './common/name-value.ts';
import { findQuerySecrets } from './common/query.ts';
import { findUriCredentials } from './common/uri.ts';
import { findDotenvSecrets } from './formats/dotenv.ts';
import { findIniSecrets } from './formats/ini.ts';
import { findYamlSecrets } from './formats/kubernetes.ts';
import { findNginxSecrets } from './formats/nginx.ts';
import { findPythonSecrets } from './formats/python.ts';
import { findSecretDataLines } from './formats/secret-lines.ts';
import { applyMask, mergeCandidates, PlaceholderBook } from './mask.ts';
import { propagateKnownSecrets } from './propagate.ts';
import { lineOf, newlineOffsets } from './scan.ts';
import { findVendorSecrets } from './vendor/index.ts';

export type { RedactedSpan } from './types.ts';
export { mapOffsetToOriginal, mapOffsetToRedacted, unredactEdits, type Bias } from './offsets.ts';

export interface RedactInput {
  name: string;
  kind: FileKind;
  text: string;
}

export interface RedactedFile {
  name: string;
  text: string;
  /** Sorted, disjoint; offsets in the original text. */
  spans: RedactedSpan[];
}

export interface RedactResult {
  files: RedactedFile[];
  /** One entry per redacted value: kind, file and 1-based line, never the value. */
  redactions: Redaction[];
}

const FORMAT_DETECTORS: Partial<Record<FileKind, readonly Detector[]>> = {
  nginx: [findNginxSecrets],
  gunicorn: [findPythonSecrets],
  uwsgi: [findIniSecrets],
  'php-fpm': [findIniSecrets],
  kubernetes: [findYamlSecrets, findSecretDataLines],
  dotenv: [findDotenvSecrets],
  log: [],
};
/**
 * For a file of unknown kind, every format's rules: hiding too much beats showing a key.
 * The YAML reader is the one costly layer (a full parse), so it runs only on text that says it
 * is a Kubernetes object or a Compose file.
 */
const ALL_FORMATS: readonly Detector[] = [
  findNginxSecrets,
  findPythonSecrets,
  findIniSecrets,
  (text) => (/^(?:apiVersion|kind|services):/m.test(text) ? findYamlSecrets(text) : []),
  findSecretDataLines,
  findDotenvSecrets,
];

/** Every candidate secret in one file's text. Exported for tests and the benchmark. */
export function detectSecrets(text: string, kind: FileKind): Candidate[] {
  const formats = FORMAT_DETECTORS[kind] ?? ALL_FORMATS;
  const detectors: Detector[] = [
    ...formats,
    findVendorSecrets,
    findUriCredentials,
    findAuthHeaders,
    findQuerySecrets,
    findCommandLineSecrets,
    findNameValuePairs,
    findCookies,
    // Python values without quotes are code (`os.environ["X"]`), not secrets.
    (t) => findKeywordAssignments(t, { unquoted: kind !== 'gunicorn' }),
  ];
  const out: Candidate[] = [];
  // A loop, not `push(...found)`: a huge paste can yield more candidates than a call takes arguments.
  for (const detect of detectors) for (const c of detect(text)) out.push(c);
  return withoutPlaceholders(text, out);
}

const PLACEHOLDER = /«redacted:[a-z0-9-]{1,60}:[0-9]{1,9}»/g;

/**
 * Cuts placeholders already in the text out of the candidates, so redacting redacted text (a
 * re-pasted output, a second pass) changes nothing, while a secret glued to a placeholder
 * (`«redacted:token:1»4f9aK2…`) still goes: what is left of a candidate beside a placeholder is
 * kept when it has four characters or more.
 */
function withoutPlaceholders(text: string, candidates: Candidate[]): Candidate[] {
  if (!text.includes('«redacted:')) return candidates;
  const marks: [number, number][] = [];
  for (const m of text.matchAll(PLACEHOLDER)) marks.push([m.index, m.index + m[0].length]);
  if (marks.length === 0) return candidates;
  const firstEndAfter = (offset: number) => {
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]![1] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const out: Candidate[] = [];
  const keep = (c: Candidate, start: number, end: number) => {
    if (text.slice(start, end).trim().length >= 4) out.push({ ...c, start, end });
  };
  for (const c of candidates) {
    let at = c.start;
    for (let k = firstEndAfter(c.start); k < marks.length && marks[k]![0] < c.end; k++) {
      keep(c, at, marks[k]![0]);
      at = marks[k]![1];
    }
    if (at === c.start) out.push(c);
    else keep(c, at, c.end);
  }
  return out;
}

/**
 * Redacts a set of files together, so the same secret gets the same placeholder in all of them.
 * `views` are texts shown beside the files (a paste whose segments are the files): masked
 * with the files' secrets and their own, without teaching the files anything.
 */
export function redactFiles(
  files: readonly RedactInput[],
  views: readonly RedactInput[] = [],
): RedactResult {
  const book = new PlaceholderBook();
  const redactions: Redaction[] = [];
  const all = [...files, ...views];
  const found = propagateKnownSecrets(
    all.map((f) => f.text),
    all.map((f) => detectSecrets(f.text, f.kind)),
    files.length,
  );
  const out: RedactedFile[] = all.map((file, i) => {
    const merged = mergeCandidates(withoutPlaceholders(file.text, found[i]!), file.text.length);
    const { text, spans } = applyMask(file.text, merged, book);
    const newlines = newlineOffsets(file.text);
    for (const s of spans)
      redactions.push({ file: file.name, line: lineOf(newlines, s.start), kind: s.kind });
    return { name: file.name, text, spans };
  });
  return { files: out, redactions };
}

/** One text on its own (CLI `redact FILE`, quick checks). */
export function redactText(
  text: string,
  kind: FileKind,
  name = 'input',
): { text: string; spans: RedactedSpan[]; redactions: Redaction[] } {
  const result = redactFiles([{ name, kind, text }]);
  const file = result.files[0]!;
  return { text: file.text, spans: file.spans, redactions: result.redactions };
}
