/**
 * rules/rank.ts with crafted hits: evidence before config smells, coverage of the pasted
 * failures, corroborating app-side lines, volume, ties by severity then explained count, the
 * fallback's fixed place, and the documented confidence values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cause, LogEvent, Severity } from '../../workers/engine/model.ts';
import type { Hit } from '../../workers/engine/rules/index.ts';
import {
  confidenceOf,
  rank,
  standingOf,
  UNEXPLAINED_RULE,
} from '../../workers/engine/rules/rank.ts';

let line = 0;
const failure = (kind = 'premature-close'): LogEvent => ({
  file: 'error.log',
  line: ++line,
  source: 'nginx-error',
  kind,
});
const app = (kind = 'worker-timeout'): LogEvent => ({
  file: 'gunicorn.log',
  line: ++line,
  source: 'gunicorn',
  kind,
});
const failures = (n: number) => Array.from({ length: n }, () => failure());
/** The access log's 502 line for each of these error-log failures: the same requests again. */
const logged502 = (errors: LogEvent[]): LogEvent[] =>
  errors.map((e) => ({
    file: 'access.log',
    line: e.line,
    source: 'nginx-access',
    kind: 'response',
    status: 502,
  }));

function hit(id: string, severity: Severity, explains: LogEvent[] = [], cause = id): Hit {
  return {
    rule: {
      meta: { id, cause: cause as Cause, severity, title: id, docs: '', fixSafety: '' },
      check: () => [],
    },
    hit: { key: id, message: id, evidence: [], explains },
  };
}
const ids = (hits: Hit[]) => hits.map((h) => h.rule.meta.id);

describe('rank', () => {
  it('a latent error (holds once another fix is applied) ranks below a warning that holds now', () => {
    const latent = hit('race', 'error');
    latent.hit.latent = true;
    const now = hit('inert', 'warning');
    expect(ids(rank([latent, now]))).toEqual(['inert', 'race']);
    expect([confidenceOf(latent), confidenceOf(now)]).toEqual([0.39, 0.4]);
    // Anything it explains makes it real: it then ranks by its evidence as usual.
    const real = hit('race', 'error', [failure()]);
    real.hit.latent = true;
    expect(ids(rank([now, real]))).toEqual(['race', 'inert']);
  });

  it('a warning that explains one event beats an error that only holds in the configs', () => {
    const smell = hit('smell', 'error');
    const evidenced = hit('evidenced', 'warning', [failure()]);
    expect(ids(rank([smell, evidenced]))).toEqual(['evidenced', 'smell']);
    expect(confidenceOf(smell)).toBeLessThan(0.5);
    expect(confidenceOf(evidenced)).toBeGreaterThan(0.5);
  });

  it('config-only confidence by severity: info 0.3, warning 0.4, error 0.49', () => {
    const hits = [hit('i', 'info'), hit('w', 'warning'), hit('e', 'error')];
    expect(ids(rank(hits))).toEqual(['e', 'w', 'i']);
    expect(hits.map((h) => confidenceOf(h))).toEqual([0.3, 0.4, 0.49]);
  });

  it('coverage: the hit that accounts for most of the incident comes first', () => {
    const events = failures(10);
    const few = hit('few', 'error', events.slice(0, 1));
    const most = hit('most', 'warning', events.slice(1));
    expect(ids(rank([few, most], events))).toEqual(['most', 'few']);
    // 0.55 + 0.25 × 9/10 + 0.1 × log10(10)/2 = 0.825 → 0.83; 0.55 + 0.025 + 0.015 → 0.59
    expect(confidenceOf(most)).toBe(0.83);
    expect(confidenceOf(few)).toBe(0.59);
  });

  it('the denominator is every failure in the paste, not only the explained ones', () => {
    const events = failures(4);
    const alone = hit('alone', 'error', events.slice(0, 1));
    rank([alone]);
    const withoutEvents = confidenceOf(alone);
    rank([alone], events);
    expect(confidenceOf(alone)).toBeLessThan(withoutEvents);
    expect(withoutEvents).toBe(0.82); // 0.55 + 0.25 + 0.015
    expect(confidenceOf(alone)).toBe(0.63); // 0.55 + 0.0625 + 0.015
  });

  it('access-log 502s are the same requests again when the error log names the failures', () => {
    const errors = failures(3);
    const responses = logged502(errors);
    const all = hit('all-errors', 'warning', errors);
    rank([all], [...errors, ...responses]);
    expect(confidenceOf(all)).toBe(0.83); // coverage 3/3, not 3/6: 0.55 + 0.25 + 0.03
    // With only the access log pasted, its 502s are the failures.
    const fromAccess = hit('from-access', 'warning', responses.slice(0, 1));
    rank([fromAccess], responses);
    expect(confidenceOf(fromAccess)).toBe(0.65); // 0.55 + 0.25/3 + 0.015
  });

  it('correlated app-server lines add support over the same nginx lines alone', () => {
    const events = failures(2);
    const nginxOnly = hit('nginx-only', 'error', events);
    const correlated = hit('correlated', 'warning', [...events, app()]);
    expect(ids(rank([nginxOnly, correlated], events))).toEqual(['correlated', 'nginx-only']);
    expect(confidenceOf(correlated) - confidenceOf(nginxOnly)).toBeGreaterThan(0.1 - 0.001);
  });

  it('only app-side lines pasted (no nginx failure): they are the whole incident', () => {
    const oom = hit('oom', 'error', [app('worker-killed')]);
    rank([oom], [...oom.hit.explains!]);
    expect(confidenceOf(oom)).toBe(0.82);
  });

  it('ties go to severity, then to the number of explained events, then to rule order', () => {
    const events = failures(2);
    // Same confidence: both explain both failures from one source, same volume bucket.
    const warning = hit('warning', 'warning', events);
    const error = hit('error', 'error', events);
    expect(ids(rank([warning, error], events))).toEqual(['error', 'warning']);
    const first = hit('first', 'info');
    const second = hit('second', 'info');
    expect(ids(rank([first, second]))).toEqual(['first', 'second']);
    expect(ids(rank([second, first]))).toEqual(['second', 'first']);
  });

  it('the unexplained fallback sits at 0.5: above config smells, below any explanation', () => {
    const events = failures(20);
    const fallback = hit(UNEXPLAINED_RULE, 'info', events.slice(1), 'unexplained');
    const smell = hit('keepalive-inert', 'error');
    const weak = hit('backend-down', 'info', events.slice(0, 1));
    expect(ids(rank([smell, fallback, weak], events))).toEqual([
      'backend-down',
      UNEXPLAINED_RULE,
      'keepalive-inert',
    ]);
    expect(confidenceOf(fallback)).toBe(0.5);
  });

  it('confidenceOf reports the value the order was made with', () => {
    const events = failures(3);
    const h = hit('h', 'warning', events.slice(0, 1));
    rank([h], events);
    expect(confidenceOf(h)).toBe(0.65); // 0.55 + 0.25/3 + 0.015 = 0.648
    // Asked afresh with a denominator, it recomputes.
    expect(confidenceOf(h, 1)).toBe(0.82);
  });

  it('property: a permutation, sorted by confidence, evidence above 0.5 above config-only', () => {
    const arbHit = fc.record({
      severity: fc.constantFrom<Severity>('error', 'warning', 'info'),
      nginx: fc.integer({ min: 0, max: 30 }),
      appLines: fc.integer({ min: 0, max: 3 }),
      fallback: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(arbHit, { maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        (specs, extra) => {
          const all: LogEvent[] = failures(extra);
          const hits = specs.map((s, i) => {
            const explains = [
              ...failures(s.nginx),
              ...Array.from({ length: s.appLines }, () => app()),
            ];
            all.push(...explains);
            return s.fallback && s.nginx > 0
              ? hit(UNEXPLAINED_RULE, 'info', explains, 'unexplained')
              : hit(`r${i}`, s.severity, explains);
          });
          const ranked = rank(hits, all);
          expect(new Set(ranked)).toEqual(new Set(hits));
          const scores = ranked.map((h) => confidenceOf(h));
          for (let i = 1; i < scores.length; i++)
            expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]!);
          for (const h of hits) {
            const c = confidenceOf(h);
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThanOrEqual(1);
            if (h.rule.meta.id === UNEXPLAINED_RULE) expect(c).toBe(0.5);
            else if ((h.hit.explains ?? []).length > 0) expect(c).toBeGreaterThan(0.5);
            else expect(c).toBeLessThan(0.5);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  describe('causes and risks', () => {
    it('a hit that explains pasted failures is a cause; one that does not is a risk, listed after', () => {
      const events = failures(3);
      const risk = hit('app-timeout', 'error');
      const cause = hit('backend-down', 'info', events.slice(0, 2));
      expect(ids(rank([risk, cause], events))).toEqual(['backend-down', 'app-timeout']);
      expect(standingOf(cause)).toMatchObject({ role: 'cause', explains: 2, severity: 'info' });
      // Beside failures it does not explain, a risk is never an error.
      expect(standingOf(risk)).toMatchObject({ role: 'risk', explains: 0, severity: 'warning' });
    });

    it('with no logs (a config audit) every hit is a risk and keeps its severity', () => {
      const audit = [hit('w', 'warning'), hit('e', 'error')];
      expect(ids(rank(audit, []))).toEqual(['e', 'w']);
      expect(audit.map((h) => standingOf(h).role)).toEqual(['risk', 'risk']);
      expect(standingOf(audit[1]!).severity).toBe('error');
    });

    it('app-side activity alone (a boot, a recycle) is no failure explained when failures were pasted', () => {
      const events = failures(2);
      const recycleOnly = hit('recycle', 'warning', [app('worker-recycle')]);
      const kill = hit('kill', 'warning', [app('worker-timeout')]);
      rank([recycleOnly, kill], [...events, ...recycleOnly.hit.explains!, ...kill.hit.explains!]);
      expect(standingOf(recycleOnly)).toMatchObject({ role: 'risk', explains: 0 });
      expect(confidenceOf(recycleOnly)).toBeLessThan(0.5);
      // A killed worker is a failure of its own: a cause even with no nginx line tied to it.
      expect(standingOf(kill)).toMatchObject({ role: 'cause', explains: 1 });
      // With no failure pasted at all, the pasted lines are the incident.
      const alone = hit('recycle', 'warning', [app('worker-recycle')]);
      rank([alone], alone.hit.explains);
      expect(standingOf(alone)).toMatchObject({ role: 'cause', explains: 1 });
    });

    it('the fallback counts the failures it lists and stays among the causes', () => {
      const events = failures(4);
      const fallback = hit(UNEXPLAINED_RULE, 'info', events, 'unexplained');
      const smell = hit('smell', 'error');
      expect(ids(rank([smell, fallback], events))).toEqual([UNEXPLAINED_RULE, 'smell']);
      expect(standingOf(fallback)).toMatchObject({ role: 'cause', explains: 4 });
    });

    it('explains counts the error log once when the access log repeats the same requests', () => {
      const errors = failures(2);
      const responses = logged502(errors);
      const h = hit('h', 'error', [...errors, ...responses]);
      rank([h], [...errors, ...responses]);
      expect(standingOf(h).explains).toBe(2);
    });
  });

  describe('symptoms below their explanation', () => {
    for (const [symptom, explanation] of [
      ['proxy-timeout', 'protocol-mismatch'],
      ['backend-down', 'address-mismatch'],
      ['proxy-timeout', 'app-timeout'],
    ] as const) {
      it(`${symptom} ranks below ${explanation} that explains the same lines, and is named by it`, () => {
        const events = failures(10);
        // The symptom explains more lines (and would rank first on evidence alone).
        const s = hit(symptom, 'error', events);
        const e = hit(explanation, 'warning', events.slice(0, 4));
        expect(ids(rank([s, e], events))).toEqual([explanation, symptom]);
        expect(confidenceOf(s)).toBeLessThan(confidenceOf(e));
        expect(confidenceOf(s)).toBeGreaterThan(0.5);
        expect(standingOf(e).symptoms).toEqual([s]);
        expect(standingOf(s).explainedBy).toEqual([e]);
      });
    }

    it('no shared line, no reordering: the symptom of another upstream keeps its place', () => {
      const events = failures(10);
      const s = hit('proxy-timeout', 'error', events.slice(0, 8));
      const e = hit('protocol-mismatch', 'error', events.slice(8));
      expect(ids(rank([e, s], events))).toEqual(['proxy-timeout', 'protocol-mismatch']);
      expect(standingOf(e).symptoms).toEqual([]);
    });

    it('two symptoms do not reorder each other, nor does a risk reorder a symptom', () => {
      const events = failures(6);
      const timeout = hit('proxy-timeout', 'error', events.slice(0, 4));
      const down = hit('backend-down', 'error', events.slice(0, 2));
      const risk = hit('protocol-mismatch', 'error');
      expect(ids(rank([risk, down, timeout], events))).toEqual([
        'proxy-timeout',
        'backend-down',
        'protocol-mismatch',
      ]);
    });
  });
});
