/**
 * A real nginx serving a test config on loopback, for differential tests: start it on free
 * ports, ask it (raw HTTP, so the Host header is exactly what the test says), stop it by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_BIN } from '../../helpers/nginx-t.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The body nginx answers; a null host sends a request without a Host header (HTTP/1.0). */
export function get(port: number, host: string | null, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const head = host === null ? 'HTTP/1.0\r\n' : `HTTP/1.1\r\nHost: ${host}\r\n`;
      socket.write(`GET ${path} ${head}Connection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data.slice(data.indexOf('\r\n\r\n') + 4)));
    socket.on('error', reject);
  });
}

export interface RunningNginx {
  stop(): void;
}

/** Starts nginx with `http` as the body of its http block; resolves once `probePort` answers. */
export async function startNginx(http: string, probePort: number): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-diff-'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((m) => `${m}_temp_path ${dir};`)
    .join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\n` +
      `http {\naccess_log off;\n${temp}\n${http}\n}\n`,
  );
  const child: ChildProcess = spawn(NGINX_BIN!, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: 'ignore',
  });
  const stop = (): void => {
    if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if ((await get(probePort, 'probe', '/').catch(() => null)) !== null) return { stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 30));
  }
  const log = readFileSync(join(dir, 'error.log'), 'utf8');
  stop();
  throw new Error(`nginx did not start: ${log}`);
}
