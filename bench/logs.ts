/**
 * Streaming log decode benchmark: a synthetic nginx error log (default 200 MB, LOGS_BENCH_MB
 * to change) pushed in 1 MiB chunks through createLogAggregator, as the worker does with a
 * dropped file; plus a combined access log. Writes bench/results/logs.json.
 * Run: npx tsx bench/logs.ts   (add --expose-gc via NODE_OPTIONS for steadier heap numbers)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createLogAggregator } from '../workers/engine/logs/index.ts';

const MB = Number(process.env.LOGS_BENCH_MB ?? 200);
const CHUNK = 1 << 20;

const KINDS = [
  'upstream prematurely closed connection while reading response header from upstream',
  'upstream timed out (110: Connection timed out) while reading response header from upstream',
  'connect() failed (111: Connection refused) while connecting to upstream',
  'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  'no live upstreams while connecting to upstream',
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Yields ~1 MiB chunks of log text, cut at arbitrary places (not at line ends). */
function* errorLog(totalBytes: number): Generator<string> {
  let produced = 0;
  let i = 0;
  let pending = '';
  while (produced < totalBytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < CHUNK) {
      const sec = Math.floor(i / 20);
      const t = `2024/01/${pad(2 + (Math.floor(sec / 86400) % 27))} ${pad(Math.floor(sec / 3600) % 24)}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
      let line: string;
      if (i % 50 === 0)
        line = `${t} [warn] 7#7: *${i} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/${i} while reading upstream`;
      else if (i % 97 === 0)
        line = `[${t.replace(/\//g, '-')} +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:${i % 30000})`;
      else {
        const kind = KINDS[i % KINDS.length]!;
        const port = 8000 + (i % 4);
        line = `${t} [error] 7#7: *${i} ${kind}, client: 10.${i % 256}.${(i >> 8) % 256}.7, server: api.example.com, request: "${i % 3 ? 'GET' : 'POST'} /api/v1/items/${i % 1000}?page=${i % 7} HTTP/1.1", upstream: "http://10.0.0.${i % 4}:${port}/api/v1/items/${i % 1000}?page=${i % 7}", host: "api.example.com", referrer: "https://example.com/"`;
      }
      lines.push(line);
      size += line.length + 1;
      i++;
    }
    const text = pending + lines.join('\n') + '\n';
    // cut off-line so the aggregator has to join lines across chunks
    const cut = text.length - 37;
    pending = text.slice(cut);
    produced += cut;
    yield text.slice(0, cut);
  }
  yield pending;
}

function* accessLog(totalBytes: number): Generator<string> {
  let produced = 0;
  let i = 0;
  while (produced < totalBytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < CHUNK) {
      const status = i % 40 === 0 ? 502 : i % 97 === 0 ? 504 : 200;
      const line = `10.1.${i % 256}.${(i >> 8) % 256} - - [02/Jan/2024:${pad(Math.floor(i / 36000) % 24)}:${pad(Math.floor(i / 600) % 60)}:${pad(Math.floor(i / 10) % 60)} +0000] "GET /api/v1/items/${i % 1000} HTTP/1.1" ${status} ${i % 5000} "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"`;
      lines.push(line);
      size += line.length + 1;
      i++;
    }
    const text = lines.join('\n') + '\n';
    produced += text.length;
    yield text;
  }
}

function run(name: string, chunks: Generator<string>) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  let peakRss = process.memoryUsage().rss;
  let chars = 0;
  const agg = createLogAggregator(`${name}.log`);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let n = 0;
  for (const chunk of chunks) {
    agg.push(chunk);
    chars += chunk.length;
    if (++n % 8 === 0) {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    }
  }
  const result = agg.end();
  // What the aggregation really keeps (garbage collected first, when --expose-gc is given).
  gc?.();
  const retainedHeap = process.memoryUsage().heapUsed - heapBefore;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
  return {
    name,
    megabytes: +(chars / 1e6).toFixed(1),
    lines: result.counters.lines,
    events: result.counters.events,
    seconds: +seconds.toFixed(2),
    linesPerSecond: Math.round(result.counters.lines / seconds),
    megabytesPerSecond: +(chars / 1e6 / seconds).toFixed(1),
    // wall-clock rates suffer from other jobs on the machine; per CPU-second they do not
    cpuSeconds: +cpuSeconds.toFixed(2),
    linesPerCpuSecond: Math.round(result.counters.lines / cpuSeconds),
    megabytesPerCpuSecond: +(chars / 1e6 / cpuSeconds).toFixed(1),
    peakHeapMB: +(peakHeap / 1e6).toFixed(1),
    heapGrowthMB: +((peakHeap - heapBefore) / 1e6).toFixed(1),
    retainedHeapMB: gc ? +(retainedHeap / 1e6).toFixed(1) : null,
    peakRssMB: +(peakRss / 1e6).toFixed(1),
    incidents: result.incidents.length,
    sampledEvents: result.events.length,
  };
}

/** JSON.parse on the same kind of bytes in the same run: a yardstick for a loaded machine. */
function jsonBaseline(megabytes: number) {
  const row = JSON.stringify({
    log: 'x'.repeat(300),
    stream: 'stderr',
    time: '2024-01-02T03:04:05Z',
  });
  const text =
    '[' +
    Array(Math.ceil(1e6 / row.length))
      .fill(row)
      .join(',') +
    ']';
  const start = performance.now();
  for (let i = 0; i < megabytes; i++) JSON.parse(text);
  const seconds = (performance.now() - start) / 1000;
  return { megabytes, megabytesPerSecond: +((megabytes * text.length) / 1e6 / seconds).toFixed(1) };
}

const results = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  chunkBytes: CHUNK,
  jsonParseBaseline: jsonBaseline(20),
  runs: [run('error', errorLog(MB * 1e6)), run('access', accessLog(Math.min(MB, 50) * 1e6))],
  loadAverage: loadavg().map((n) => +n.toFixed(1)),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/logs.json', import.meta.url),
  JSON.stringify(results, null, 2) + '\n',
);
console.log(JSON.stringify(results, null, 2));
