/**
 * Zero redactions of non-secret values across the real-world corpus: timeouts, paths,
 * hostnames, digests, templates and variable references must survive. Every redaction the
 * detectors made on the corpus was reviewed by hand once; the few that remain are real
 * credentials by position and are listed below with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { FileKind } from '../../workers/engine/model.ts';
import { redactFiles, redactText } from '../../workers/engine/redact/index.ts';
import { corpusConfigs, corpusLogLines } from './corpus.ts';

/** file -> expected `line:kind` redactions. */
const REAL_CREDENTIALS: Record<string, string[]> = {
  // `raw_env` passes DJANGO_SECRET_KEY to the app: the value ("something") is a secret by
  // position, whatever it says.
  'gunicorn/benoitc__gunicorn__examples__example_config.py': ['131:secret'],
  // Two `kind: Secret` objects with `data` (base64 of "username"/"password"): Secret data is a
  // credential by definition, even a demo one.
  'k8s/Azure-Samples__aks-store-demo__aks-store-ingress-quickstart.yaml': [
    '6:k8s-secret',
    '7:password',
    '94:k8s-secret',
    '95:password',
  ],
};

const configs = corpusConfigs();

describe('corpus: no false redactions', () => {
  for (const file of configs) {
    for (const kind of [file.kind, 'unknown'] as FileKind[]) {
      it(`${file.name} as ${kind}`, () => {
        const r = redactText(file.text, kind, file.name);
        const got = r.redactions.map((x) => `${x.line}:${x.kind}`);
        expect(got).toEqual(REAL_CREDENTIALS[file.name] ?? []);
        // Whatever was not a credential is byte for byte the same.
        if (r.spans.length === 0) expect(r.text).toBe(file.text);
      });
    }
  }

  it(`errors.tsv: ${corpusLogLines().length} pasted log lines, none redacted (their secrets were already masked by the posters)`, () => {
    const lines = corpusLogLines();
    const r = redactText(lines.join('\n'), 'log', 'errors.tsv');
    expect(r.redactions).toEqual([]);
  });

  it('all corpus files together: the listed credentials only, placeholders shared across files', () => {
    const r = redactFiles(configs.map((f) => ({ name: f.name, kind: f.kind, text: f.text })));
    const expected = Object.values(REAL_CREDENTIALS).flat().length;
    expect(r.redactions.length).toBe(expected);
    // The two Secrets hold the same two values: two placeholders in all.
    const placeholders = new Set(r.files.flatMap((f) => f.spans.map((s) => s.placeholder)));
    expect([...placeholders].sort()).toEqual([
      '«redacted:k8s-secret:1»',
      '«redacted:password:1»',
      '«redacted:secret:1»',
    ]);
  });
});
