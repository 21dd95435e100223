/**
 * proxy-timeout on evidence: a property test that each timeout cites the location nginx picks
 * for random Host/path pairs (an independent oracle of nginx's prefix matching), junk logs
 * that never make it throw or claim other lines, the hand-labelled real lines of the corpus,
 * and ingress-nginx paths with their own proxy-*-timeout.
 */
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../workers/engine/model.ts';
import { CORPUS } from '../formats/corpus.ts';
import { log, ofRule, timedOut, twoLocations } from './proxy-timeout.fixtures.ts';

describe('proxy-timeout: evidence, corpus, ingress-nginx', () => {
  it('property: each timeout cites the location nginx picks for its Host and path', () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{0,8}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('shop.example.com', 'admin.example.com', 'other.example.com'),
        fc.constantFrom('/', '/api/', '/api', '/apix/', '/static/'),
        segment,
        (host, prefix, rest) => {
          const path = prefix + rest;
          const found = ofRule([twoLocations, log(timedOut(path, { host }))]);
          expect(found).toHaveLength(1);
          // nginx: admin.example.com has only "/"; other hosts fall to the first server, where
          // the longest matching prefix wins ("/api/" only for paths that start with it).
          const expected =
            host === 'admin.example.com'
              ? 'site.conf:21'
              : path.startsWith('/api/')
                ? 'site.conf:12'
                : 'nginx 1.22 default';
          expect(found[0]!.compared![0]!.source).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: arbitrary log text never throws and only timeout lines are claimed', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }), (lines) => {
        const found = ofRule([twoLocations, { name: 'junk.log', text: lines.join('\n') }]);
        for (const f of found) expect(f.message).toMatch(/timed out/);
      }),
      { numRuns: 80 },
    );
  });

  const errorsTsv = join(CORPUS, 'errors.tsv');
  it.skipIf(!existsSync(errorsTsv))(
    'corpus: every real "upstream timed out" line, and no other',
    () => {
      const rows = readFileSync(errorsTsv, 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((row) => row.slice(row.indexOf('\t') + 1));
      let fired = 0;
      for (const line of rows) {
        const found = ofRule([{ name: 'pasted.log', text: line }]);
        expect(found.length > 0, line).toBe(/upstream timed out \(110/.test(line));
        fired += found.length;
      }
      expect(fired).toBeGreaterThanOrEqual(3);
    },
  );

  const ingress: SourceFile = {
    name: 'ingress.yaml',
    text: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 8000
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop-export
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: '30'
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /export
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 8000
`,
  };

  it('behind ingress-nginx: each timeout cites the proxy-*-timeout of the Ingress path it matched', () => {
    const found = ofRule([
      ingress,
      log(
        timedOut('/export/2023.csv', { upstream: 'http://10.42.0.17:8000/export/2023.csv' }),
        timedOut('/cart', { upstream: 'http://10.42.0.17:8000/cart' }),
        timedOut('/cart', {
          upstream: 'http://10.42.0.17:8000/cart',
          phase: 'connecting to upstream',
        }),
      ),
    ]);
    expect(found.map((f) => f.compared![0])).toEqual([
      {
        hop: 'Ingress shop-export (shop.example.com /export → shop)',
        setting: 'proxy-read-timeout',
        value: '30',
        source: 'ingress.yaml:24',
      },
      {
        hop: 'Ingress shop (shop.example.com / → shop)',
        setting: 'proxy-read-timeout',
        value: '60',
        source: expect.stringMatching(/^ingress-nginx default/),
      },
      {
        hop: 'Ingress shop (shop.example.com / → shop)',
        setting: 'proxy-connect-timeout',
        value: '5',
        source: expect.stringMatching(/^ingress-nginx default/),
      },
    ]);
    expect(found.every((f) => f.fix!.safety === 'manual')).toBe(true);
    expect(found[0]!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'ingress.yaml:24',
      'error.log:1',
    ]);
  });
});
