/**
 * Where each kind of app server listens, from its effective settings or its parsed file: the
 * address as written, the protocol nginx must speak to it, and the line that says so.
 */
import type { ParsedFile } from '../formats/types.ts';
import type { EffectiveSettings } from '../formats/gunicorn/index.ts';
import { uwsgiSockets, type UwsgiProtocol } from '../formats/uwsgi/index.ts';
import { pumaBinds, type PumaTree } from '../formats/puma/index.ts';
import { apacheListens, type ApacheTree } from '../formats/apache/index.ts';
import { parseEndpoint } from './address.ts';
import type { Listener, Protocol } from './backends.ts';

/**
 * Every address in gunicorn's `bind` (comma-separated), TLS when it has a certificate; `file`
 * stands for the line when the bind is gunicorn's default.
 */
export function gunicornListeners(settings: EffectiveSettings, file: string): Listener[] {
  const bind = settings.bind;
  // gunicorn with a certificate serves TLS on every bind.
  const protocol: Protocol = settings.certfile?.value ? 'https' : 'http';
  const where = bind && 'file' in bind.source && bind.source.file ? bind.source : null;
  // Defaults carry a remark ("127.0.0.1:8000 (0.0.0.0:$PORT when PORT is set)"): keep the address.
  return (bind?.value ?? '')
    .split(' (')[0]!
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .flatMap((address) => {
      // gunicorn reads "HOST" alone as HOST:8000, and "fd://N" is a socket handed over by systemd.
      if (address.startsWith('fd://')) return [];
      const endpoint = parseEndpoint(address, 8000);
      if (!endpoint) return [];
      return [
        { endpoint, address, protocol, file: where?.file ?? file, line: where?.line ?? null },
      ];
    });
}

/** `--uds` wins over host and port; `--fd` is a socket handed over, whose address is not said. */
export function uvicornListeners(settings: EffectiveSettings, file: string): Listener[] {
  const { uds, fd, host, port } = settings;
  const lineOf = (v: EffectiveSettings[string] | undefined) =>
    v && 'line' in v.source ? (v.source.line ?? null) : null;
  if (uds?.value) {
    const endpoint = parseEndpoint(`unix:${uds.value}`);
    return endpoint
      ? [{ endpoint, address: `unix:${uds.value}`, protocol: 'http', file, line: lineOf(uds) }]
      : [];
  }
  if (fd?.value || host?.value === null || port?.value === null) return [];
  const address = `${host?.value ?? '127.0.0.1'}:${port?.value ?? '8000'}`;
  const endpoint = parseEndpoint(address, 8000);
  const protocol: Protocol = settings.ssl_certfile?.value ? 'https' : 'http';
  return endpoint
    ? [{ endpoint, address, protocol, file, line: lineOf(port) ?? lineOf(host) }]
    : [];
}

/** Every `bind` (and `insecure_bind`): host:port, `unix:path`, or `fd://N` (not said). */
export function hypercornListeners(settings: EffectiveSettings, file: string): Listener[] {
  const tls = Boolean(settings.certfile?.value);
  return (['bind', 'insecure_bind'] as const).flatMap((key) => {
    const v = settings[key];
    const where = v && 'line' in v.source ? v.source : null;
    return (v?.value ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a && !a.startsWith('fd://'))
      .flatMap((address): Listener[] => {
        const endpoint = parseEndpoint(address, 8000);
        const protocol: Protocol = tls && key === 'bind' ? 'https' : 'http';
        return endpoint
          ? [{ endpoint, address, protocol, file: where?.file ?? file, line: where?.line ?? null }]
          : [];
      });
  });
}

export function pumaListeners(file: ParsedFile<PumaTree>): Listener[] {
  return pumaBinds(file).flatMap((bind) => {
    const endpoint = parseEndpoint(bind.url);
    if (!endpoint) return [];
    // ssl:// serves TLS; tcp:// and unix:// plain HTTP.
    const protocol: Protocol = /^ssl:/i.test(bind.url) ? 'https' : 'http';
    return [{ endpoint, address: bind.url, protocol, file: file.name, line: bind.line }];
  });
}

export function uwsgiListeners(files: readonly ParsedFile[]): Listener[] {
  return uwsgiSockets(files).flatMap((s) => {
    if (!s.address) return [];
    const endpoint = parseEndpoint(s.address);
    if (!endpoint) return [];
    return [
      {
        endpoint,
        address: s.address,
        protocol: UWSGI_PROTOCOL[s.protocol],
        file: s.file,
        line: s.line,
        ...(s.protocol.endsWith('-router') ? { router: true } : {}),
      },
    ];
  });
}

/** What nginx must speak to each kind of uWSGI socket (the routers are plain HTTP(S) servers). */
const UWSGI_PROTOCOL: Record<UwsgiProtocol, Protocol> = {
  uwsgi: 'uwsgi',
  http: 'http',
  'http-router': 'http',
  https: 'https',
  'https-router': 'https',
  fastcgi: 'fastcgi',
  scgi: 'scgi',
};

/** Apache's `Listen` lines (an address alone is port 80's), else its virtual hosts' ports. */
export function apacheListeners(files: readonly ParsedFile<ApacheTree>[]): Listener[] {
  return apacheListens(files).flatMap((l): Listener[] => {
    const endpoint = parseEndpoint(
      /^\d+$/.test(l.address) ? `0.0.0.0:${l.address}` : l.address,
      80,
    );
    return endpoint
      ? [
          {
            endpoint,
            address: l.address,
            protocol: l.tls ? 'https' : 'http',
            file: l.file,
            line: l.line,
          },
        ]
      : [];
  });
}
