/**
 * Redacted files still parse in their format: the format parsers (workers/engine/formats/*)
 * print a redacted corpus file back byte for byte and find no error the raw file did not have.
 * Run on the corpus and on configs with planted secrets in every credential position.
 */
import { describe, expect, it } from 'vitest';
import type { FileKind } from '../../workers/engine/model.ts';
import type { FormatHandler } from '../../workers/engine/formats/types.ts';
import { handler as gunicorn } from '../../workers/engine/formats/gunicorn/index.ts';
import { handler as kubernetes } from '../../workers/engine/formats/kubernetes/index.ts';
import { handler as nginx } from '../../workers/engine/formats/nginx/index.ts';
import { handler as uwsgi } from '../../workers/engine/formats/uwsgi/index.ts';
import { redactText } from '../../workers/engine/redact/index.ts';
import { corpusConfigs } from './corpus.ts';
import { plantedInputs } from './planted.ts';

const HANDLERS: Partial<Record<FileKind, FormatHandler>> = { nginx, gunicorn, uwsgi, kubernetes };

function check(name: string, kind: FileKind, raw: string): void {
  const handler = HANDLERS[kind];
  if (!handler) return;
  const redacted = redactText(raw, kind, name).text;
  const before = handler.parse(name, raw);
  const after = handler.parse(name, redacted);
  expect(after.print()).toBe(redacted);
  expect(after.errors.map((e) => e.line)).toEqual(before.errors.map((e) => e.line));
}

describe('redacted files still parse', () => {
  for (const file of corpusConfigs()) {
    it(`corpus ${file.name}`, () => check(file.name, file.kind, file.text));
  }
  for (const input of plantedInputs().filter((p) => HANDLERS[p.kind])) {
    it(`planted ${input.name} (${input.kind})`, () => check(input.name, input.kind, input.text));
  }
});
