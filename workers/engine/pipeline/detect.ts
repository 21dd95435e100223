/**
 * Stage 1, detect: what each input is. A paste or file may hold several inputs (log runs,
 * config files and fragments, a shell transcript, a Markdown thread): it is split into
 * segments (intake/), each classified and analysed as if it were its own file. An `nginx -T`
 * dump is split into the files it holds (so includes resolve and evidence names the real
 * file). A kind the user chose wins over detection, for a whole input or for a segment.
 */
import type { FileKind, SourceFile } from '../model.ts';
import { detectKind } from '../formats/detect.ts';
import { parseNginx, splitDump } from '../formats/nginx/index.ts';
import { formatsFor } from '../logs/nginx-access.ts';
import { lines, logConfidence, type LogContext } from '../logs/index.ts';
import { isInput, segmentText, type Segment } from '../intake/index.ts';
import { isNginxTestLine, promptCommand } from '../intake/prompt.ts';
import { accessLogFormats } from './decode.ts';
import { baseName } from '../strings.ts';

export interface ClassifiedInput {
  name: string;
  text: string;
  kind: FileKind;
  confidence: number;
  /** The pasted input this came from, when it was split out of a dump or a paste. */
  from?: string;
  /** A segment of a paste: the paste line (1-based) of each of its lines. */
  lineMap?: number[];
  /** A segment no caption, fence or command named (see ParsedFile.loose). */
  loose?: boolean;
}

/** A paste that held several inputs: its text and what was found where. */
export interface Paste {
  name: string;
  text: string;
  segments: Segment[];
}

export interface Intake {
  inputs: ClassifiedInput[];
  pastes: Paste[];
}

/** The kind of one text, logs included (in the access log formats given, if any). */
export function detectInput(
  name: string,
  text: string,
  ctx?: LogContext,
): { kind: FileKind; confidence: number } {
  return detectKind(name, text, [{ kind: 'log', detect: (_n, t) => logConfidence(t, ctx) }]);
}

export function classify(sources: readonly SourceFile[]): ClassifiedInput[] {
  return intake(sources).inputs;
}

export function intake(sources: readonly SourceFile[], ctx: LogContext = {}): Intake {
  const pastes: Paste[] = [];
  const inputs = sources.flatMap((input): ClassifiedInput[] => {
    if (input.kind)
      return [{ name: input.name, text: input.text, kind: input.kind, confidence: 1 }];
    const dump = splitDump(input.text);
    if (dump && dump.length > 0 && isWholeDump(input.text, dump)) {
      return dump.map((file) => ({ ...file, kind: 'nginx', confidence: 1, from: input.name }));
    }
    const segments = namesItsKind(input.name)
      ? []
      : withChosenKinds(
          segmentText(input.name, input.text, formatsFor(ctx.accessLogFormats)),
          input.segmentKinds,
        );
    const parts = segments.filter((s) => isInput(s.kind));
    if (parts.length === 0 || (segments.length === 1 && parts[0]!.text === input.text)) {
      const { kind, confidence } = detectInput(input.name, input.text, ctx);
      return [{ name: input.name, text: input.text, kind, confidence }];
    }
    pastes.push({ name: input.name, text: input.text, segments });
    return parts.map((s) => ({
      name: s.name,
      text: s.text,
      kind: s.kind as FileKind,
      confidence: s.confidence,
      from: input.name,
      lineMap: s.lineMap,
      ...(s.named ? {} : { loose: true }),
    }));
  });
  const result = withoutQuotes({ inputs, pastes });
  return ctx.accessLogFormats ? result : withCustomAccessLogs(sources, result);
}

/** A config's lines as they compare: trimmed, spaces collapsed, comments and blanks gone. */
function statements(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) =>
      l
        .replace(/(^|\s)#.*$/, '')
        .trim()
        .replace(/\s+/g, ' '),
    )
    .filter((l) => l !== '');
}

/**
 * An unnamed piece that quotes lines of a whole config pasted too (the server block someone
 * copied into their question after the full nginx.conf) is that config's, not a second one:
 * it is set aside, and its segment says where the lines are.
 */
function withoutQuotes(result: Intake): Intake {
  const quotes = new Map<ClassifiedInput, string>();
  for (const piece of result.inputs) {
    if (!piece.loose || piece.kind === 'log' || piece.kind === 'unknown') continue;
    const lines = statements(piece.text);
    if (lines.length === 0) continue;
    const whole = result.inputs.find(
      (other) =>
        other !== piece &&
        other.kind === piece.kind &&
        !quotes.has(other) &&
        other.text.length > piece.text.length &&
        lines.every((l) => statements(other.text).includes(l)),
    );
    if (whole) quotes.set(piece, whole.name);
  }
  if (quotes.size === 0) return result;
  for (const paste of result.pastes)
    for (const s of paste.segments) {
      const input = [...quotes.keys()].find((i) => i.name === s.name);
      if (input) s.sameAs = quotes.get(input)!;
    }
  return { inputs: result.inputs.filter((i) => !quotes.has(i)), pastes: result.pastes };
}

/**
 * A file whose name says what it is (`error.log`, `nginx.conf`, `gunicorn.conf.py`) is read
 * whole, as that file; pastes, stdin and notes (`incident.md`, `notes.txt`) are segmented.
 */
function namesItsKind(name: string): boolean {
  const base = baseName(name);
  return /\.(log(\.\d+)?|conf|py|ini|toml|ya?ml|js|mjs|cjs|ts|rb|env|json|tf|hcl|service)$|^\.env|^(Dockerfile|Containerfile|Procfile)$/i.test(
    base,
  );
}

/** The user's kind for a segment (by its first line) replaces the detected one. */
function withChosenKinds(segments: Segment[], chosen: SourceFile['segmentKinds']): Segment[] {
  if (!chosen || chosen.length === 0) return segments;
  return segments.map((s) => {
    const pick = chosen.find((c) => c.from === s.from);
    return pick ? { ...s, kind: pick.kind, confidence: 1 } : s;
  });
}

/**
 * A dump and nothing else (the `nginx -T` command and its test lines before it at most): the
 * dump's own split is exact, so the paste is not segmented. Log lines after the last file make
 * it a mixed paste.
 */
function isWholeDump(text: string, dump: { text: string }[]): boolean {
  const head = text.slice(0, text.indexOf('# configuration file '));
  for (const [, line] of lines(head))
    if (line.trim() !== '' && !isNginxTestLine(line) && !promptCommand(line)) return false;
  const last = dump.at(-1)!.text;
  return logConfidence(last.slice(Math.max(0, last.length - 8192))) === 0;
}

/**
 * An access log in a `log_format` of the pasted nginx config reads as nothing known until
 * that format is known: look again at what was left unknown, with the config's formats.
 */
function withCustomAccessLogs(sources: readonly SourceFile[], result: Intake): Intake {
  const configs = result.inputs.filter((c) => c.kind === 'nginx' && c.text.includes('log_format'));
  if (configs.length === 0 || !result.inputs.some((c) => c.kind === 'unknown')) return result;
  const formats = accessLogFormats(configs.map((c) => parseNginx(c.name, c.text)));
  return intake(sources, { accessLogFormats: formats });
}
