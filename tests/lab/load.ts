/**
 * The lab's load generator: bounded HTTP load against a loopback address, nothing else.
 *
 * Each of `concurrency` clients sends a request, waits for the whole response, idles for
 * `gapMs`, and repeats, until `requests` have been sent in total or `seconds` have passed
 * (both bounds always apply). Idle gaps are what expose keepalive races: nginx keeps the
 * upstream connection in its pool while the client idles, and the gap decides how old the
 * connection is when the next request takes it.
 *
 * Usable as a module (`runLoad`) or from a shell:
 *   npx tsx tests/lab/load.ts http://127.0.0.1:8080/fast --requests 200 --seconds 10 \
 *     --concurrency 4 --method POST --body 1024 --gap 1800-2200 --no-keepalive
 */
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';

export interface LoadSpec {
  /** Upper bound on requests started, over all clients. */
  requests: number;
  /** Upper bound on wall time in seconds: no request starts after it. */
  seconds: number;
  concurrency: number;
  /** Reuse client→nginx connections (the nginx→upstream pool is nginx's business). */
  keepAlive: boolean;
  method?: string;
  /** Paths requested in turn (one per request, round robin over all clients). */
  paths: string[];
  /** Request body size in bytes (sent with Content-Length), if any. */
  bodyBytes?: number;
  headers?: Record<string, string>;
  /** Idle time between a client's requests in ms: fixed, or uniform in [min, max]. */
  gapMs?: number | [number, number];
  /** Per-request timeout in ms (the client gives up; counted as an error). */
  timeoutMs?: number;
  /**
   * Clients move in lockstep: all send at once, wait for every response, then all idle for
   * one gap. nginx reuses the most recently freed pooled connection first, so with clients
   * idling independently the pool never ages; only a pause of all traffic lets every pooled
   * connection reach the backend's idle timeout.
   */
  burst?: boolean;
  /**
   * In a burst, each request starts after a random delay in [0, spread] ms, as real traffic
   * resuming after a pause does; the stragglers are the requests that meet a connection the
   * backend is closing.
   */
  burstSpreadMs?: number;
}

export interface LoadResult {
  sent: number;
  /** HTTP status -> count (as strings, so the object serialises to JSON keys). */
  statuses: Record<string, number>;
  /** Transport errors (no status) by code: ECONNRESET, timeout, … */
  errors: Record<string, number>;
  seconds: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Refuse anything but loopback: the lab must never send traffic off the machine. */
export function assertLoopback(base: string): URL {
  const url = new URL(base);
  if (url.protocol !== 'http:')
    throw new Error(`load: only http:// is supported, got ${url.protocol}`);
  if (!LOOPBACK.has(url.hostname))
    throw new Error(`load: refusing non-loopback address ${url.hostname}`);
  return url;
}

function gap(spec: LoadSpec['gapMs']): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  const [min, max] = spec;
  return min + Math.random() * (max - min);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function one(
  base: URL,
  agent: Agent,
  spec: LoadSpec,
  path: string,
  body: Buffer | null,
): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...spec.headers };
    if (body) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(body.length);
    }
    const req = request(
      {
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port,
        path,
        method: spec.method ?? 'GET',
        agent,
        headers,
      },
      (res) => {
        res.resume(); // drain: the status is what we count
        res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.once('error', (e: NodeJS.ErrnoException) =>
          resolve({ status: res.statusCode, error: e.code ?? e.message }),
        );
      },
    );
    req.setTimeout(spec.timeoutMs ?? 30_000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })),
    );
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body ?? undefined);
  });
}

/** Run a bounded load against `base` (e.g. http://127.0.0.1:8080) and count what came back. */
export async function runLoad(base: string, spec: LoadSpec): Promise<LoadResult> {
  const url = assertLoopback(base);
  if (spec.paths.length === 0) throw new Error('load: no paths');
  const agent = new Agent({ keepAlive: spec.keepAlive, maxSockets: spec.concurrency });
  const body = spec.bodyBytes ? Buffer.alloc(spec.bodyBytes, 'x') : null;
  const started = Date.now();
  const stopAt = started + spec.seconds * 1000;
  const result: LoadResult = { sent: 0, statuses: {}, errors: {}, seconds: 0 };

  const count = (r: { status?: number; error?: string }) => {
    if (r.status !== undefined) result.statuses[r.status] = (result.statuses[r.status] ?? 0) + 1;
    if (r.error !== undefined) result.errors[r.error] = (result.errors[r.error] ?? 0) + 1;
  };
  const client = async (id: number) => {
    // Stagger the clients so their idle gaps do not expire in lockstep.
    if (spec.gapMs !== undefined) await sleep((gap(spec.gapMs) * id) / spec.concurrency);
    while (result.sent < spec.requests && Date.now() < stopAt) {
      const path = spec.paths[result.sent % spec.paths.length] ?? '/';
      result.sent++;
      count(await one(url, agent, spec, path, body));
      const wait = Math.min(gap(spec.gapMs), stopAt - Date.now());
      if (wait > 0) await sleep(wait);
    }
  };
  if (spec.burst) {
    while (result.sent < spec.requests && Date.now() < stopAt) {
      const n = Math.min(spec.concurrency, spec.requests - result.sent);
      const round = Array.from({ length: n }, async () => {
        const path = spec.paths[result.sent % spec.paths.length] ?? '/';
        result.sent++;
        if (spec.burstSpreadMs) await sleep(Math.random() * spec.burstSpreadMs);
        return one(url, agent, spec, path, body);
      });
      for (const r of await Promise.all(round)) count(r);
      const wait = Math.min(gap(spec.gapMs), stopAt - Date.now());
      if (wait > 0) await sleep(wait);
    }
  } else await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => client(i)));
  agent.destroy();
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

function parseArgs(argv: string[]): { base: string; spec: LoadSpec } {
  const [target, ...rest] = argv;
  if (!target)
    throw new Error('usage: load.ts URL [--requests N] [--seconds S] [--concurrency C] …');
  const url = assertLoopback(target);
  const spec: LoadSpec = {
    requests: 100,
    seconds: 10,
    concurrency: 1,
    keepAlive: true,
    paths: [url.pathname + url.search],
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1] ?? '';
    const num = () => {
      i++;
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new Error(`load: ${flag} needs a number, got "${value}"`);
      return n;
    };
    if (flag === '--requests') spec.requests = num();
    else if (flag === '--seconds') spec.seconds = num();
    else if (flag === '--concurrency') spec.concurrency = Math.max(1, num());
    else if (flag === '--body') spec.bodyBytes = num();
    else if (flag === '--timeout') spec.timeoutMs = num();
    else if (flag === '--no-keepalive') spec.keepAlive = false;
    else if (flag === '--burst') spec.burst = true;
    else if (flag === '--spread') spec.burstSpreadMs = num();
    else if (flag === '--method') {
      spec.method = value.toUpperCase();
      i++;
    } else if (flag === '--gap') {
      const [a, b] = value.split('-').map(Number);
      spec.gapMs = b === undefined ? (a ?? 0) : [a ?? 0, b];
      i++;
    } else if (flag === '--header') {
      const at = value.indexOf(':');
      spec.headers = { ...spec.headers, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
      i++;
    } else throw new Error(`load: unknown flag ${flag}`);
  }
  return { base: url.origin, spec };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { base, spec } = parseArgs(process.argv.slice(2));
    console.log(JSON.stringify(await runLoad(base, spec)));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
