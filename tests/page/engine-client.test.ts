/**
 * The worker lifecycle of the page's engine client, against a fake worker that speaks comlink
 * over a MessageChannel, so supersession, time-outs and crashes can be staged exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import {
  EngineClient,
  EngineFailure,
  Superseded,
  type EngineClientOptions,
} from '../../src/lib/engine-client.ts';
import type { Report, SourceFile } from '../../workers/engine/model.ts';

type Progress = (p: { file: string; done: number; total: number }) => void;
type Behaviour = (inputs: SourceFile[], progress?: Progress) => Promise<Report> | Report;

class FakeWorker extends EventTarget {
  terminated = false;
  private readonly port: MessagePort;
  private readonly inner: MessagePort;

  constructor(behaviour: Behaviour) {
    super();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.inner = channel.port2;
    expose(
      {
        analyze: behaviour,
        analyzeFiles: (inputs: SourceFile[], _files: unknown, _options: unknown, p?: Progress) =>
          behaviour(inputs, p),
        redact: (inputs: SourceFile[]) => inputs.map((i) => ({ name: i.name, text: 'masked' })),
        ping: () => 'pong',
      },
      this.inner,
    );
    this.port.addEventListener('message', (e) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data: e.data }));
    });
    this.port.start();
  }
  postMessage(data: unknown, transfer?: Transferable[]) {
    if (!this.terminated) this.port.postMessage(data, transfer ?? []);
  }
  terminate() {
    this.terminated = true;
    this.port.close();
    this.inner.close();
  }
  crash(message: string) {
    const event = new Event('error') as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
}

const report = (name: string): Report => ({
  schema: 1,
  nginxVersion: name,
  files: [],
  events: [],
  findings: [],
  fixed: [],
  patch: '',
  redactions: [],
});

const never = () => new Promise<Report>(() => {});
const input = (name: string): SourceFile[] => [{ name, text: name }];

let clients: EngineClient[] = [];
afterEach(() => {
  for (const c of clients) c.dispose();
  clients = [];
});

function setup(behaviours: Behaviour[], timeoutMs = 2000, limits: EngineClientOptions = {}) {
  const workers: FakeWorker[] = [];
  const client = new EngineClient({
    timeoutMs,
    ...limits,
    createWorker: () => {
      const worker = new FakeWorker(behaviours[workers.length] ?? behaviours.at(-1)!);
      workers.push(worker);
      return worker as unknown as Worker;
    },
  });
  clients.push(client);
  return { client, workers };
}

describe('EngineClient', () => {
  it('returns the report of a single analysis', async () => {
    const { client } = setup([(inputs) => report(inputs[0]!.name)]);
    await expect(client.analyze(input('one'))).resolves.toMatchObject({ nginxVersion: 'one' });
  });

  it('a newer request supersedes the one in flight: the old never resolves with a result', async () => {
    const { client, workers } = setup([never, (inputs) => report(inputs[0]!.name)]);
    const first = client.analyze(input('stale'));
    const second = client.analyze(input('fresh'));
    await expect(first).rejects.toBeInstanceOf(Superseded);
    await expect(second).resolves.toMatchObject({ nginxVersion: 'fresh' });
    // The busy worker was stopped rather than left burning a core.
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it('a hung worker is replaced after the time limit and the next request works', async () => {
    const { client, workers } = setup([never, () => report('after')], 100);
    await expect(client.analyze(input('hang'))).rejects.toThrow(/took longer than/);
    expect(workers[0]!.terminated).toBe(true);
    await expect(client.analyze(input('next'))).resolves.toMatchObject({ nginxVersion: 'after' });
  });

  it('an engine that throws gives a clear message and a fresh worker next time', async () => {
    const { client, workers } = setup([
      () => {
        throw new Error('parser exploded');
      },
      () => report('fresh'),
    ]);
    const failure = client.analyze(input('x'));
    await expect(failure).rejects.toBeInstanceOf(EngineFailure);
    await expect(failure).rejects.toThrow(/parser exploded/);
    await expect(client.analyze(input('y'))).resolves.toMatchObject({ nginxVersion: 'fresh' });
    expect(workers).toHaveLength(2);
  });

  it('a worker that crashes (error event) is replaced', async () => {
    const { client, workers } = setup([never, () => report('ok')]);
    const pending = client.analyze(input('x'));
    await new Promise((r) => setTimeout(r, 10));
    workers[0]!.crash('boom');
    await expect(pending).rejects.toThrow(/crashed: boom/);
    await expect(client.analyze(input('y'))).resolves.toMatchObject({ nginxVersion: 'ok' });
  });

  it('reuses an idle worker for consecutive requests', async () => {
    const { client, workers } = setup([(inputs) => report(inputs[0]!.name)]);
    await client.analyze(input('a'));
    await client.analyze(input('b'));
    expect(workers).toHaveLength(1);
  });

  it('the time limit grows with the input but never past its ceiling', async () => {
    const { client } = setup([never], 50, { timeoutMsPerMB: 1e9, maxTimeoutMs: 1000 });
    const big = [{ name: 'big', text: 'x'.repeat(1024 * 1024) }];
    // Uncapped, 1 MB at 1e9 ms per MB would be a limit of eleven days.
    await expect(client.analyze(big)).rejects.toThrow(/took longer than 1 s/);
  });

  it('a worker reading a big file is judged by its stalls, not its total time', async () => {
    const file = { name: 'big.log', file: new Blob(['x']) as File };
    const steady: Behaviour = async (_inputs, progress) => {
      for (let done = 1; done <= 8; done++) {
        await new Promise((r) => setTimeout(r, 40));
        progress?.({ file: 'big.log', done, total: 8 });
      }
      return report('read');
    };
    const stalls: Behaviour = async (_inputs, progress) => {
      progress?.({ file: 'big.log', done: 1, total: 8 });
      return never();
    };
    const heard: number[] = [];
    const onProgress = (p: { done: number }) => heard.push(p.done);
    const limits = { maxTimeoutMs: 150 };
    const { client } = setup([steady], 150, limits);
    // 320 ms in all, more than the 150 ms limit, but never 150 ms without news.
    await expect(client.analyze([], {}, [file], onProgress)).resolves.toMatchObject({
      nginxVersion: 'read',
    });
    // (the last report may arrive after the result: progress is a separate message)
    expect(heard.slice(0, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const stalled = setup([stalls], 150, limits).client;
    await expect(stalled.analyze([], {}, [file], onProgress)).rejects.toThrow(/took longer/);
  });

  it('masks inputs for storage through the same worker lifecycle', async () => {
    const { client } = setup([never]);
    await expect(client.redact(input('secret'))).resolves.toEqual([
      { name: 'secret', text: 'masked' },
    ]);
  });
});
