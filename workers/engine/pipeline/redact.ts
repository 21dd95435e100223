/**
 * Stage 2, redact: every input is masked before anything downstream sees it, so evidence,
 * diffs and patches are built from redacted text. The spans are kept so that, when the user
 * explicitly asks for their raw files, fixes can be mapped back onto the original text. A
 * paste split into segments is masked whole too (with its segments' secrets), for showing it.
 */
import type { Redaction, SourceFile } from '../model.ts';
import { redactFiles, type RedactedSpan } from '../redact/index.ts';
import { detectInput, type ClassifiedInput, type Paste } from './detect.ts';

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

/** For `redact FILE`: each input masked as a whole, in the kind detected for it. */
export function redactInputs(sources: readonly SourceFile[]) {
  return redactFiles(
    sources.map((source) => ({
      name: source.name,
      text: source.text,
      kind: source.kind ?? detectInput(source.name, source.text).kind,
    })),
  );
}
