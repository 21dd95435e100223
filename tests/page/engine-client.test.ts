/**
 * The worker lifecycle of the page's engine client, against a fake worker that speaks comlink
 * over a MessageChannel, so supersession, time-outs and crashes can be staged exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expose } from 'comlink';
import { EngineClient, EngineFailure, Superseded } from '../../src/lib/engine-client.ts';
import type { Report, SourceFile } from '../../workers/engine/model.ts';

type Behaviour = (inputs: SourceFile[]) => Promise<Report> | Report;

class FakeWorker extends EventTarget {
  terminated = false;
  private readonly port: MessagePort;
  private readonly inner: MessagePort;

  constructor(behaviour: Behaviour) {
    super();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.inner = channel.port2;
    expose({ analyze: behaviour, ping: () => 'pong' }, this.inner);
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

function setup(behaviours: Behaviour[], timeoutMs = 2000) {
  const workers: FakeWorker[] = [];
  const client = new EngineClient({
    timeoutMs,
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
});
