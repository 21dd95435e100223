/**
 * The fallback (rules/lib/unexplained.ts): upstream failures that no rule's hit explains get
 * one `info` finding per kind with that kind's checklist; explained ones never do; a fix that
 * removes a rule's finding is not blocked by the events it leaves behind. The pipeline runs
 * stage by stage here, as analyze.ts does, with withUnexplained() where the findings are made.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import type { NginxFile } from '../../workers/engine/formats/nginx/index.ts';
import { classify } from '../../workers/engine/pipeline/detect.ts';
import { redactClassified } from '../../workers/engine/pipeline/redact.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';
import { decodeLogs } from '../../workers/engine/pipeline/decode.ts';
import { diagnose } from '../../workers/engine/pipeline/diagnose.ts';
import { confidenceOf } from '../../workers/engine/rules/rank.ts';
import { EVENT_KNOWLEDGE } from '../../workers/engine/knowledge/events.ts';
import { unexplainedHits, withUnexplained } from '../../workers/engine/rules/lib/unexplained.ts';

function diagnoseAll(sources: SourceFile[]) {
  const { inputs } = redactClassified(classify(sources));
  const configs = inputs
    .map((i) => parseInput(i))
    .filter((p): p is ParsedFile => p !== null && p !== undefined);
  const logs = decodeLogs(
    inputs.filter((i) => i.kind === 'log'),
    configs.filter((f): f is NginxFile => f.kind === 'nginx'),
  );
  const hits = diagnose(configs, logs, '1.22.1');
  return { hits, events: logs.events, ranked: withUnexplained(hits, logs.events) };
}

const line = (what: string, path = '/cart', upstream = '127.0.0.1:8000') =>
  `2024/05/02 10:14:04 [error] 31#31: *88 ${what}, client: 10.1.0.4, server: , request: "GET ${path} HTTP/1.1", upstream: "http://${upstream}${path}", host: "shop.example.com"`;
const CLOSED = line(
  'upstream prematurely closed connection while reading response header from upstream',
);
const RESET = line(
  'recv() failed (104: Connection reset by peer) while reading response header from upstream',
);
const REFUSED = line('connect() failed (111: Connection refused) while connecting to upstream');

const INERT_POOL = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
    }
}
`;

describe('unexplained events', () => {
  it('one info finding per unexplained kind, with that kind’s checklist and the lines', () => {
    const { ranked } = diagnoseAll([
      { name: 'error.log', text: `${CLOSED}\n${CLOSED}\n${RESET}\n` },
    ]);
    const fallbacks = ranked.filter((h) => h.rule.meta.id === 'unexplained-events');
    expect(fallbacks.map((h) => h.hit.key).sort()).toEqual([
      'unexplained connection-reset',
      'unexplained premature-close',
    ]);
    const closed = fallbacks.find((h) => h.hit.key === 'unexplained premature-close')!;
    expect(closed.rule.meta.cause).toBe('unexplained');
    expect(closed.rule.meta.severity).toBe('info');
    expect(closed.hit.message).toContain(
      '2 nginx error line(s) "Upstream closed the connection early"',
    );
    expect(closed.hit.message).toContain('nothing in the pasted configs explains them');
    for (const cause of EVENT_KNOWLEDGE['nginx-error']['premature-close']!.causes)
      expect(closed.hit.message).toContain(cause);
    expect(closed.hit.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'error.log:1',
      'error.log:2',
    ]);
    expect(closed.hit.fix).toMatchObject({ safety: 'manual', edits: [] });
    expect(confidenceOf(closed)).toBe(0.5);
  });

  it('refused connections next to an inert keepalive pool: never blamed on the pool', () => {
    const { ranked } = diagnoseAll([
      { name: 'nginx.conf', text: INERT_POOL },
      { name: 'error.log', text: `${REFUSED}\n${CLOSED}\n` },
    ]);
    const order = ranked.map((h) => h.rule.meta.id);
    // backend-down explains the refusal; the closed connection stays unexplained (0.5); the
    // pool's config-only smell comes last.
    expect(order).toEqual(['backend-down', 'unexplained-events', 'keepalive-inert']);
    const inert = ranked.find((h) => h.rule.meta.id === 'keepalive-inert')!;
    expect(inert.hit.explains ?? []).toEqual([]);
    expect(confidenceOf(inert)).toBeLessThan(0.5);
  });

  it('events a rule explains never get a fallback', () => {
    const { hits, events } = diagnoseAll([
      { name: 'nginx.conf', text: INERT_POOL },
      { name: 'error.log', text: `${REFUSED}\n${REFUSED}\n` },
    ]);
    expect(hits.some((h) => h.rule.meta.id === 'backend-down')).toBe(true);
    expect(unexplainedHits(events, hits)).toEqual([]);
  });

  it('access-log 502s count once when the error log names the same requests', () => {
    const access = `10.1.0.4 - - [02/May/2024:10:14:04 +0000] "GET /cart HTTP/1.1" 502 157 "-" "curl/8.0"\n`;
    const both = diagnoseAll([
      { name: 'error.log', text: `${CLOSED}\n` },
      { name: 'access.log', text: access },
    ]);
    expect(
      both.ranked.filter((h) => h.rule.meta.id === 'unexplained-events').map((h) => h.hit.key),
    ).toEqual(['unexplained premature-close']);
    const only = diagnoseAll([{ name: 'access.log', text: access.repeat(3) }]);
    const fallback = only.ranked.filter((h) => h.rule.meta.id === 'unexplained-events');
    expect(fallback.map((h) => h.hit.key)).toEqual(['unexplained status 502']);
    expect(fallback[0]!.hit.message).toContain('3 access-log response(s) with status 502');
  });

  it('no failures, no fallback: app-server lines alone are not upstream failures', () => {
    const { ranked } = diagnoseAll([
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:14:03 +0000] [1] [INFO] Handling signal: term\n',
      },
    ]);
    expect(ranked.filter((h) => h.rule.meta.id === 'unexplained-events')).toEqual([]);
  });

  it('ranks below every hit that explains events and above every config-only one', () => {
    const { ranked } = diagnoseAll([
      { name: 'nginx.conf', text: INERT_POOL },
      { name: 'error.log', text: `${REFUSED}\n${RESET}\n` },
    ]);
    const scores = ranked.map((h) => [h.rule.meta.id, confidenceOf(h)] as const);
    const at = scores.findIndex(([id]) => id === 'unexplained-events');
    expect(at).toBeGreaterThan(-1);
    for (const [, c] of scores.slice(0, at)) expect(c).toBeGreaterThan(0.5);
    for (const [, c] of scores.slice(at + 1)) expect(c).toBeLessThanOrEqual(0.5);
  });

  it('a fix whose finding disappears is still applied although its events stay in the logs', () => {
    // keepalive-inert explains the EADDRNOTAVAIL lines; once fixed they would be "unexplained"
    // in the re-analysis, which must not count as a new finding (the fallback is not a rule).
    const ports = line(
      'connect() to 127.0.0.1:8000 failed (99: Cannot assign requested address) while connecting to upstream',
    );
    const report = analyze(
      [
        { name: 'nginx.conf', text: INERT_POOL },
        { name: 'error.log', text: `${ports}\n` },
      ],
      { nginxVersion: '1.22.1' },
    );
    const inert = report.findings.find((f) => f.rule === 'keepalive-inert')!;
    expect(inert.fix?.applied).toBe(true);
    expect(report.findings[0]!.rule).toBe('keepalive-inert');
  });
});
