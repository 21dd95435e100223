/** Loopback ports and readiness checks for the servers the lab starts. */
import { createServer, connect } from 'node:net';

/** A TCP port on 127.0.0.1 that is free right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves true when a connection to the port (or unix socket path) succeeds. */
export function canConnect(target: number | string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `target` accepts connections, or throw after `timeoutMs` naming `what`. */
export async function waitForListen(
  target: number | string,
  what: string,
  timeoutMs = 15_000,
  stillRunning: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(target)) return;
    if (!stillRunning()) throw new Error(`${what} exited before listening on ${target}`);
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${target} within ${timeoutMs} ms`);
}
