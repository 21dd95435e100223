/**
 * Stage 1, detect: what each input is. An `nginx -T` dump is split into the files it holds
 * (so includes resolve and evidence names the real file); every other input is classified by
 * content and name, logs included. A kind the user chose wins over detection.
 */
import type { FileKind, SourceFile } from '../model.ts';
import { detectKind } from '../formats/detect.ts';
import { parseNginx, splitDump } from '../formats/nginx/index.ts';
import { logConfidence, type LogContext } from '../logs/index.ts';
import { accessLogFormats } from './decode.ts';

export interface ClassifiedInput {
  name: string;
  text: string;
  kind: FileKind;
  confidence: number;
  /** The pasted input this came from, when it was split out of a dump. */
  from?: string;
}

/** The kind of one text, logs included (in the access log formats given, if any). */
export function detectInput(
  name: string,
  text: string,
  ctx?: LogContext,
): { kind: FileKind; confidence: number } {
  return detectKind(name, text, [{ kind: 'log', detect: (_n, t) => logConfidence(t, ctx) }]);
}

export function classify(inputs: readonly SourceFile[]): ClassifiedInput[] {
  const classified = inputs.flatMap((input): ClassifiedInput[] => {
    if (input.kind)
      return [{ name: input.name, text: input.text, kind: input.kind, confidence: 1 }];
    const dump = splitDump(input.text);
    if (dump && dump.length > 0) {
      return dump.map((file) => ({ ...file, kind: 'nginx', confidence: 1, from: input.name }));
    }
    const { kind, confidence } = detectInput(input.name, input.text);
    return [{ name: input.name, text: input.text, kind, confidence }];
  });
  return withCustomAccessLogs(classified);
}

/**
 * An access log in a `log_format` of the pasted nginx config reads as nothing known until
 * that format is known: look again at what was left unknown, with the config's formats.
 */
function withCustomAccessLogs(classified: ClassifiedInput[]): ClassifiedInput[] {
  const configs = classified.filter((c) => c.kind === 'nginx' && c.text.includes('log_format'));
  if (configs.length === 0 || !classified.some((c) => c.kind === 'unknown')) return classified;
  const ctx = {
    accessLogFormats: accessLogFormats(configs.map((c) => parseNginx(c.name, c.text))),
  };
  return classified.map((c) =>
    c.kind === 'unknown' ? { ...c, ...detectInput(c.name, c.text, ctx) } : c,
  );
}
