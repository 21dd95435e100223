/**
 * Stage 1, detect: what each input is. An `nginx -T` dump is split into the files it holds
 * (so includes resolve and evidence names the real file); every other input is classified by
 * content and name, logs included. A kind the user chose wins over detection.
 */
import type { FileKind, SourceFile } from '../model.ts';
import { detectKind } from '../formats/detect.ts';
import { splitDump } from '../formats/nginx/index.ts';
import { logConfidence } from '../logs/index.ts';

export interface ClassifiedInput {
  name: string;
  text: string;
  kind: FileKind;
  confidence: number;
  /** The pasted input this came from, when it was split out of a dump. */
  from?: string;
}

const logDetector = {
  kind: 'log' as const,
  detect: (_name: string, text: string) => logConfidence(text),
};

/** The kind of one text, logs included. */
export function detectInput(name: string, text: string): { kind: FileKind; confidence: number } {
  return detectKind(name, text, [logDetector]);
}

export function classify(inputs: readonly SourceFile[]): ClassifiedInput[] {
  return inputs.flatMap((input): ClassifiedInput[] => {
    if (input.kind)
      return [{ name: input.name, text: input.text, kind: input.kind, confidence: 1 }];
    const dump = splitDump(input.text);
    if (dump && dump.length > 0) {
      return dump.map((file) => ({ ...file, kind: 'nginx', confidence: 1, from: input.name }));
    }
    const { kind, confidence } = detectInput(input.name, input.text);
    return [{ name: input.name, text: input.text, kind, confidence }];
  });
}
