/**
 * Stage 3, redact: every input is masked before anything downstream sees it, so evidence,
 * diffs and patches are built from redacted text. The spans are kept so that, when the user
 * explicitly asks for their raw files, fixes can be mapped back onto the original text.
 */
import type { Redaction, SourceFile } from '../model.ts';
import { redactFiles, type RedactedSpan } from '../redact/index.ts';
import { detectInput, type ClassifiedInput } from './detect.ts';

export interface RedactedInput extends ClassifiedInput {
  /** The text as the user gave it; `text` is the redacted one. */
  raw: string;
  spans: RedactedSpan[];
}

export function redactClassified(inputs: readonly ClassifiedInput[]): {
  inputs: RedactedInput[];
  redactions: Redaction[];
} {
  const { files, redactions } = redactFiles(
    inputs.map((input) => ({ name: input.name, kind: input.kind, text: input.text })),
  );
  return {
    inputs: inputs.map((input, i) => ({
      ...input,
      raw: input.text,
      text: files[i]!.text,
      spans: files[i]!.spans,
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
