import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  mapOffsetToOriginal,
  mapOffsetToRedacted,
  redactFiles,
  redactText,
  unredactEdits,
} from '../../workers/engine/redact/index.ts';
import { mergeCandidates } from '../../workers/engine/redact/mask.ts';
import { Fake } from './fake.ts';

const f = new Fake(5);

describe('placeholders', () => {
  it('the same secret gets the same placeholder across files; different ones are numbered', () => {
    const a = f.password();
    const b = f.password();
    const r = redactFiles([
      { name: '.env', kind: 'dotenv', text: `DB_PASSWORD=${a}\nOTHER_PASSWORD=${b}\n` },
      { name: 'app.ini', kind: 'uwsgi', text: `[uwsgi]\nenv = DB_PASSWORD=${a}\n` },
      { name: 'url.log', kind: 'log', text: `connecting to postgres://app:${a}@db/app\n` },
    ]);
    expect(r.files[0]!.text).toBe(
      'DB_PASSWORD=«redacted:password:1»\nOTHER_PASSWORD=«redacted:password:2»\n',
    );
    expect(r.files[1]!.text).toBe('[uwsgi]\nenv = DB_PASSWORD=«redacted:password:1»\n');
    expect(r.files[2]!.text).toBe('connecting to postgres://app:«redacted:password:1»@db/app\n');
    expect(r.redactions).toEqual([
      { file: '.env', line: 1, kind: 'password' },
      { file: '.env', line: 2, kind: 'password' },
      { file: 'app.ini', line: 2, kind: 'password' },
      { file: 'url.log', line: 1, kind: 'password' },
    ]);
  });
  it('the report never holds the value', () => {
    const a = f.password();
    const r = redactFiles([{ name: 'x', kind: 'dotenv', text: `API_TOKEN=${a}` }]);
    const json = JSON.stringify({
      files: r.files.map((x) => ({ ...x, spans: x.spans })),
      redactions: r.redactions,
    });
    expect(json).not.toContain(a);
  });
  it('placeholders are safe inside an nginx word, a YAML plain scalar, a URL userinfo and a .env value', () => {
    const p = '«redacted:aws-secret-key:12»';
    expect(p).not.toMatch(/[\s;{}#'"]/);
    expect(new URL(`postgres://u:${p}@db:5432/x`).hostname).toBe('db');
  });
});

describe('a known secret is hidden everywhere', () => {
  it('a password from .env is hidden in a log line that does not name it', () => {
    const a = f.password(16);
    const r = redactFiles([
      { name: '.env', kind: 'dotenv', text: `DB_PASSWORD=${a}\n` },
      { name: 'app.log', kind: 'log', text: `ERROR connect failed (tried ${a})\n` },
    ]);
    expect(r.files[1]!.text).toBe('ERROR connect failed (tried «redacted:password:1»)\n');
    expect(r.redactions).toContainEqual({ file: 'app.log', line: 1, kind: 'password' });
  });
  it('the clear text of a base64 Secret value is hidden in other files', () => {
    const a = f.password(16);
    const r = redactFiles([
      { name: 's.yaml', kind: 'kubernetes', text: `kind: Secret\ndata:\n  pw: ${btoa(a)}\n` },
      { name: 'notes', kind: 'unknown', text: `remember ${a}\n` },
    ]);
    expect(r.files[1]!.text).toBe(`remember ${r.files[0]!.spans[0]!.placeholder}\n`);
  });
  it('plain words do not travel (a Secret holding "password" does not hide the word)', () => {
    const r = redactFiles([
      {
        name: 's.yaml',
        kind: 'kubernetes',
        text: `kind: Secret\ndata:\n  pw: ${btoa('password')}\n`,
      },
      { name: 'd.yaml', kind: 'kubernetes', text: 'secretKeyRef:\n  name: db\n  key: password\n' },
    ]);
    expect(r.files[1]!.text).toBe('secretKeyRef:\n  name: db\n  key: password\n');
  });
});

describe('merging overlapping candidates', () => {
  it('takes the union and the most specific kind', () => {
    const merged = mergeCandidates(
      [
        { start: 5, end: 10, kind: 'secret', layer: 'generic' },
        { start: 8, end: 20, kind: 'github-token', layer: 'vendor' },
        { start: 30, end: 35, kind: 'password', layer: 'format' },
        { start: 30, end: 35, kind: 'k8s-secret', layer: 'format', identity: 'x' },
      ],
      100,
    );
    expect(merged.map((m) => [m.start, m.end, m.kind, m.identity])).toEqual([
      [5, 20, 'github-token', undefined],
      [30, 35, 'password', 'x'],
    ]);
  });
});

describe('line numbers and offsets', () => {
  it('a multi-line secret keeps the line count, later lines keep their numbers', () => {
    const pem = f.privateKeyPem('PRIVATE KEY', '    ');
    const text = `apiVersion: v1\nkind: Secret\nstringData:\n  tls.key: |\n${pem}\nmetadata:\n  name: after\n`;
    const r = redactText(text, 'kubernetes');
    expect(r.redactions).toEqual([{ file: 'input', line: 5, kind: 'private-key' }]);
    expect(r.text.split('\n').length).toBe(text.split('\n').length);
    expect(r.text.split('\n').indexOf('  name: after')).toBe(
      text.split('\n').indexOf('  name: after'),
    );
  });

  it('maps offsets both ways around placeholders', () => {
    const text = 'a=1\nDB_PASSWORD=supersecret99\nproxy_read_timeout=60\n';
    const r = redactText(text, 'dotenv');
    const at = r.text.indexOf('proxy_read_timeout');
    expect(mapOffsetToOriginal(r.spans, at)).toBe(text.indexOf('proxy_read_timeout'));
    expect(mapOffsetToRedacted(r.spans, text.indexOf('proxy_read_timeout'))).toBe(at);
    const inside = r.text.indexOf('«') + 3;
    expect(mapOffsetToOriginal(r.spans, inside, 'start')).toBe(text.indexOf('supersecret99'));
    expect(mapOffsetToOriginal(r.spans, inside, 'end')).toBe(text.indexOf('supersecret99') + 13);
  });

  it('a fix computed on redacted text applies to the raw text and keeps the real secret', () => {
    const secret = f.password();
    const raw = `location / {\n  proxy_set_header Authorization "Bearer ${secret}";\n  proxy_read_timeout 60s;\n}\n`;
    const r = redactText(raw, 'nginx', 'site.conf');
    const red = r.text;
    // A fix that changes the timeout, and one that rewrites the whole header line.
    const t = red.indexOf('60s');
    const lineStart = red.indexOf('  proxy_set_header');
    const lineEnd = red.indexOf('\n', lineStart);
    const line = red.slice(lineStart, lineEnd);
    const edits = [
      { file: 'site.conf', start: t, end: t + 3, text: '300s' },
      {
        file: 'site.conf',
        start: lineStart,
        end: lineEnd,
        text: line.replace('proxy_set_header', 'grpc_set_header'),
      },
    ];
    const fixedRaw = applyEdits(raw, unredactEdits(r.spans, raw, edits));
    expect(fixedRaw).toBe(
      raw.replace('60s', '300s').replace('proxy_set_header', 'grpc_set_header'),
    );
  });

  it('property: offsets outside secrets round-trip; the line count never changes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'x',
            ' ',
            '\n',
            'password=',
            'hunter2abc ',
            '"',
            'postgres://u:pw123@h ',
            'token: q9w8e7r6 ',
          ),
          { maxLength: 60 },
        ),
        (parts) => {
          const text = parts.join('');
          const r = redactText(text, 'unknown');
          expect(r.text.split('\n').length).toBe(text.split('\n').length);
          for (let o = 0; o <= text.length; o++) {
            if (r.spans.some((s) => o > s.start && o < s.end)) continue;
            expect(mapOffsetToOriginal(r.spans, mapOffsetToRedacted(r.spans, o))).toBe(o);
          }
          // Rebuilding from spans gives the redacted text.
          let rebuilt = '';
          let cursor = 0;
          for (const s of r.spans) {
            rebuilt += text.slice(cursor, s.start) + s.replacement;
            cursor = s.end;
          }
          expect(rebuilt + text.slice(cursor)).toBe(r.text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
