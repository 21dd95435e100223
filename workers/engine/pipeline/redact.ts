/**
 * Stage 2, redact: every input is masked before anything downstream sees it, so evidence,
 * diffs and patches are built from redacted text. The spans are kept so that, when the user
 * explicitly asks for their raw files, fixes can be mapped back onto the original text. A
 * paste split into segments is masked whole too (with its segments' secrets), for showing it.
 */
import type { Redaction, SourceFile } from '../model.ts';
import {
  redactFiles,
  type RedactedFile,
  type RedactedSpan,
  type RedactResult,
} from '../redact/index.ts';
import { intake, type ClassifiedInput, type Paste } from './detect.ts';

export interface RedactedInput extends ClassifiedInput {
  /** The text as the user gave it; `text` is the redacted one. */
  raw: string;
  spans: RedactedSpan[];
}

export interface RedactedPaste extends Paste {
  /** The paste as given; `text` is the redacted one. */
  raw: string;
}

export function redactClassified(
  inputs: readonly ClassifiedInput[],
  pastes: readonly Paste[] = [],
): {
  inputs: RedactedInput[];
  pastes: RedactedPaste[];
  redactions: Redaction[];
} {
  const { files, redactions } = redactFiles(
    inputs.map((input) => ({ name: input.name, kind: input.kind, text: input.text })),
    pastes.map((paste) => ({ name: paste.name, kind: 'unknown', text: paste.text })),
  );
  return {
    inputs: inputs.map((input, i) => ({
      ...input,
      raw: input.text,
      text: files[i]!.text,
      spans: files[i]!.spans,
    })),
    pastes: pastes.map((paste, i) => ({
      ...paste,
      raw: paste.text,
      text: files[inputs.length + i]!.text,
    })),
    redactions,
  };
}

/**
 * Each input masked as a whole, the way the analysis masks it: the parts of a paste or a dump
 * by their own formats' rules, and the whole text with every secret found in them. For
 * `redact FILE` and for what "Remember my inputs" stores.
 */
export function redactInputs(sources: readonly SourceFile[]): RedactResult {
  const { inputs } = intake(sources);
  const asGiven = (s: SourceFile) => inputs.some((i) => i.name === s.name && i.text === s.text);
  // Inputs that were split (pastes, dumps) are masked as views of their parts.
  const split = sources.filter((s) => !asGiven(s));
  const { files, redactions } = redactFiles(
    inputs.map((input) => ({ name: input.name, kind: input.kind, text: input.text })),
    split.map((s) => ({ name: s.name, kind: 'unknown', text: s.text })),
  );
  const whole = new Map<string, RedactedFile>();
  inputs.forEach((input, i) => whole.set(input.name, files[i]!));
  split.forEach((s, i) => whole.set(s.name, files[inputs.length + i]!));
  const names = new Set(sources.map((s) => s.name));
  return {
    files: sources.map((s) => whole.get(s.name)!),
    redactions: redactions.filter((r) => names.has(r.file)),
  };
}
