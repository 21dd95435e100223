/**
 * Incident: nginx proxies to a compose service by name (`proxy_pass http://billing:5000`), so
 * its error log names the address the name resolved to (`172.20.0.5:5000`), not `billing`.
 * gunicorn (default timeout 30 s, from a Dockerfile CMD) kills the slow batch requests that
 * nginx waits 120 s for. Found by pasting a Q&A-style thread: the nginx lines were left
 * "unexplained" beside the right cause because their address did not name the route.
 * Expected: app-timeout claims the nginx lines by Host, path and port; nothing unexplained.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';

const files = readFiles(join(import.meta.dirname, 'app-timeout-docker', 'input'));

describe('incident: app-timeout behind a compose service name', () => {
  const report = analyze(files, { nginxVersion: '1.24.0' });

  it('the app timeout explains the nginx lines logged with the resolved address', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('app-timeout');
    expect(top.role).toBe('cause');
    expect(top.explains).toBe(2);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(expect.arrayContaining(['error.log:1', 'error.log:2']));
    expect(report.findings.map((f) => f.cause)).not.toContain('unexplained');
  });

  it('raises the gunicorn timeout in the Dockerfile above nginx’s 120 s', () => {
    const docker = report.fixed.find((f) => f.name === 'Dockerfile')!;
    expect(docker.text).toMatch(/"--timeout", "125"/);
  });

  it('near miss: the same address on another port is not this route’s, and stays unexplained', () => {
    const otherPort = files.map((f) =>
      f.name === 'error.log' ? { ...f, text: f.text.replaceAll(':5000', ':5001') } : f,
    );
    const near = analyze(otherPort, { nginxVersion: '1.24.0' });
    const timeout = near.findings.find((f) => f.cause === 'app-timeout')!;
    expect(timeout.evidence.map((e) => e.file)).not.toContain('error.log');
    expect(near.findings.map((f) => f.cause)).toContain('unexplained');
  });

  it('near miss: a request nginx routes to another location (another app) is not claimed', () => {
    const otherHost = files.map((f) =>
      f.name === 'error.log'
        ? {
            ...f,
            text: f.text
              .replaceAll('host: "billing.example.net"', 'host: "shop.example.net"')
              .replaceAll('server: billing.example.net', 'server: shop.example.net'),
          }
        : f,
    );
    const withShop = [
      ...otherHost,
      {
        name: 'shop.conf',
        text: 'server {\n    listen 80;\n    server_name shop.example.net;\n    location / {\n        proxy_pass http://127.0.0.1:7000;\n    }\n}\n',
      },
    ];
    const near = analyze(withShop, { nginxVersion: '1.24.0' });
    const timeout = near.findings.find((f) => f.cause === 'app-timeout');
    expect(timeout?.evidence.map((e) => e.file) ?? []).not.toContain('error.log');
  });
});
