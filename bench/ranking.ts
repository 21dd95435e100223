/**
 * Ranking, the unexplained fallback and deploy-termination on large pastes.
 * - rank + unexplainedHits: N decoded nginx failures and 30 hits that explain overlapping
 *   slices of them (plus app-side lines), as the diagnose and report stages see them.
 * - deploy-termination's check: a Deployment running gunicorn, N nginx failures spread over
 *   an hour and one SIGTERM every 20 s (a rollout that never ends: the worst case for linking
 *   failures to stops by time).
 * Each is the median of 5 runs. Writes bench/results/ranking.json.
 * Run: npx tsx bench/ranking.ts   (RANKING_SIZES=1000,10000 to change sizes)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { LogEvent } from '../workers/engine/model.ts';
import type { Hit } from '../workers/engine/rules/index.ts';
import { rank } from '../workers/engine/rules/rank.ts';
import { unexplainedHits } from '../workers/engine/rules/lib/unexplained.ts';
import { deployTermination } from '../workers/engine/rules/deploy-termination.ts';
import { handler as kubernetes } from '../workers/engine/formats/kubernetes/index.ts';
import { buildTopology } from '../workers/engine/topology/index.ts';

const SIZES = (process.env.RANKING_SIZES ?? '1000,10000,100000').split(',').map(Number);
const KINDS = ['premature-close', 'connect-refused', 'connection-reset', 'upstream-timeout'];

const pad = (n: number) => String(n).padStart(2, '0');
const time = (s: number) =>
  `2024-05-02T${pad(10 + Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;

function failures(n: number): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    file: 'error.log',
    line: i + 1,
    source: 'nginx-error' as const,
    kind: KINDS[i % KINDS.length]!,
    phase: 'reading-response-header' as const,
    time: time(Math.floor((i * 3600) / n)),
    upstream: `http://10.0.${i % 7}.1:8000/x`,
  }));
}

function hits(events: LogEvent[]): Hit[] {
  return Array.from({ length: 30 }, (_, i) => {
    const from = Math.floor((events.length * i) / 40);
    const explains = events.slice(from, from + Math.floor(events.length / 20));
    return {
      rule: {
        meta: {
          id: `r${i}`,
          cause: 'crash' as const,
          severity: (['error', 'warning', 'info'] as const)[i % 3]!,
          title: '',
          docs: '',
          fixSafety: '',
        },
        check: () => [],
      },
      hit: { key: `r${i}`, message: '', evidence: [], explains: i % 5 === 0 ? [] : explains },
    };
  });
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: shop:1
          command: ["gunicorn", "--bind", "0.0.0.0:8000", "shop.wsgi"]
`;

function sigterms(): LogEvent[] {
  return Array.from({ length: 180 }, (_, i) => ({
    file: 'gunicorn.log',
    line: i + 1,
    source: 'gunicorn' as const,
    kind: 'shutdown',
    time: time(i * 20),
    fields: { signal: 'SIGTERM' },
  }));
}

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const parsed = kubernetes.parse('deployment.yaml', DEPLOYMENT);
const topology = buildTopology([parsed], '1.22.1');
const results = SIZES.map((n) => {
  const events = failures(n);
  const crafted = hits(events);
  const stops = [...sigterms(), ...events];
  let explained = 0;
  const deploy = median(() => {
    const out = deployTermination.check({ topology, events: stops, incidents: [] });
    explained = out[0]?.explains?.length ?? 0;
  });
  return {
    events: n,
    hits: crafted.length,
    rankMs: +median(() => rank(crafted, events)).toFixed(2),
    unexplainedMs: +median(() => unexplainedHits(events, crafted)).toFixed(2),
    unexplainedFindings: unexplainedHits(events, crafted).length,
    deployTerminationMs: +deploy.toFixed(2),
    deployTerminationExplains: explained,
  };
});

const out = {
  bench: 'ranking',
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg() },
  node: process.version,
  results,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/ranking.json', import.meta.url), JSON.stringify(out, null, 2));
console.log(JSON.stringify(results, null, 2));
