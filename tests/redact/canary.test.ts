/**
 * Engine-level canary test: every secret planted in every input kind is absent from the whole
 * serialized output of the redaction (texts, spans, report) — not even an 8-character piece of
 * it. The page, clipboard, share-link and exported-patch canaries need the page (tests/e2e).
 */
import { describe, expect, it } from 'vitest';
import { redactInputs } from '../../workers/engine/pipeline/redact.ts';
import { redactFiles } from '../../workers/engine/redact/index.ts';
import { paste, STYLES } from '../intake/pastes.ts';
import { leaks } from './fake.ts';
import { plantedInputs } from './planted.ts';

const inputs = plantedInputs();

describe('planted canaries', () => {
  it(`${inputs.length} inputs of kinds ${[...new Set(inputs.map((i) => i.kind))].join(', ')}: no canary survives`, () => {
    // Control: every canary is really in the input (as itself or base64-encoded).
    const rawInputs = JSON.stringify(inputs.map((i) => i.text));
    for (const input of inputs) {
      for (const secret of input.secrets) {
        const present =
          leaks(rawInputs, secret).length > 0 || rawInputs.includes(btoa(secret).slice(0, 12));
        expect(present, `${input.name}: canary not planted`).toBe(true);
      }
    }
    const result = redactFiles(inputs.map(({ name, kind, text }) => ({ name, kind, text })));
    const serialized = JSON.stringify(result);
    for (const input of inputs) {
      for (const secret of input.secrets) {
        expect(leaks(serialized, secret), `${input.name}: ${secret.slice(0, 4)}…`).toEqual([]);
      }
    }
  });

  for (const input of inputs) {
    it(`${input.name} (${input.kind}): each file alone, ${input.secrets.length} canaries gone`, () => {
      const result = redactFiles([{ name: input.name, kind: input.kind, text: input.text }]);
      const serialized = JSON.stringify(result);
      for (const secret of input.secrets) expect(leaks(serialized, secret)).toEqual([]);
      // The same input with its kind unknown (detection failed) is just as safe.
      const unknown = JSON.stringify(
        redactFiles([{ name: input.name, kind: 'unknown', text: input.text }]),
      );
      for (const secret of input.secrets) expect(leaks(unknown, secret)).toEqual([]);
    });
  }

  it('seeds vary the canaries: 20 more plantings leak nothing', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const planted = plantedInputs(seed);
      const serialized = JSON.stringify(
        redactFiles(planted.map(({ name, kind, text }) => ({ name, kind, text }))),
      );
      for (const input of planted) {
        for (const secret of input.secrets)
          expect(leaks(serialized, secret), `seed ${seed} ${input.name}`).toEqual([]);
      }
    }
  });

  // What "Remember my inputs" stores and `redact FILE` prints: each input whole, however it
  // was pasted — every planted file in one paste, in each style people paste.
  for (const style of STYLES) {
    it(`everything pasted as one text (${style}): the stored paste holds no canary`, () => {
      const planted = plantedInputs(7);
      const text = paste(planted, style);
      const { files } = redactInputs([{ name: 'pasted', text }]);
      for (const input of planted)
        for (const secret of input.secrets)
          expect(leaks(files[0]!.text, secret), `${input.name}: ${secret.slice(0, 4)}…`).toEqual(
            [],
          );
    });
  }
});
