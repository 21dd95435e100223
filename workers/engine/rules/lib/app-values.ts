/**
 * Reading app-server settings (gunicorn, uWSGI, Node.js EffectiveSettings) the way rules
 * compare them: a number or "unknown", where the value came from as people read it
 * ("gunicorn.conf.py:4", "gunicorn default (gunicorn 19.2–23)"), and which pasted file a fix
 * may edit. Defaults are written like "0 (off)", so only the leading number counts.
 */
import type { ParsedFile } from '../../formats/types.ts';
import type { EffectiveValue, Provenance } from '../../formats/gunicorn/index.ts';
import type { LogEvent } from '../../model.ts';
import type { Backend, Topology } from '../../topology/index.ts';

/** The leading number of a setting value ("30", "0 (off)", " 1000 "), or null. */
export function leadingNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(value);
  return m ? Number(m[1]) : null;
}

/** The value as a number, or null when it is unknown (dynamic, missing or not numeric). */
export function numberOf(value: EffectiveValue | undefined): number | null {
  if (!value || 'dynamic' in value.source) return null;
  return leadingNumber(value.value);
}

/** Where a value came from, for `compared[].source` and messages. */
export function sourceOf(p: Provenance): string {
  if ('default' in p) return p.default;
  if ('dynamic' in p && p.dynamic !== undefined && !('line' in p && p.line !== undefined))
    return p.dynamic;
  return `${p.file}:${p.line}`;
}

/** The line that sets the value, or null for defaults and values nobody wrote down. */
export function writtenAt(p: Provenance): { file: string; line: number } | null {
  return 'file' in p && p.file !== undefined && p.line !== undefined
    ? { file: p.file, line: p.line }
    : null;
}

const KIND_OF: Record<Backend['kind'], string> = {
  gunicorn: 'gunicorn',
  uwsgi: 'uwsgi',
  node: 'node',
  puma: 'puma',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  apache: 'apache',
};

/**
 * The pasted file of the backend's own format where `setting` should be changed: the file
 * that writes it, else the backend's config file (a Python config before a launcher, since
 * that is where people keep settings). Null when the value lives somewhere the formats cannot
 * edit (a Kubernetes container command) or no such file was pasted.
 */
export function editableFile(
  topology: Topology,
  backend: Backend,
  setting: string,
): ParsedFile | null {
  const kind = KIND_OF[backend.kind];
  const value = backend.settings[setting];
  const at = value ? writtenAt(value.source) : null;
  if (at) {
    const file = backendFile(topology, backend, at.file);
    return file && file.kind === kind ? file : null;
  }
  const own = backend.files
    .map((name) => backendFile(topology, backend, name))
    .filter((f): f is ParsedFile => f !== undefined && f.kind === kind);
  const python = own.find((f) => (f.tree as { form?: string } | null)?.form === 'python');
  return python ?? own[0] ?? null;
}

/** The event source an app server's own log lines carry. */
function sourceOfBackend(backend: Backend): string {
  return KIND_OF[backend.kind];
}

/**
 * The pasted file `name` as this backend reads it: its own view where it has one (a compose
 * file narrowed to its service, Backend.views), else the file itself.
 */
export function backendFile(
  topology: Topology,
  backend: Backend,
  name: string | undefined,
): ParsedFile | undefined {
  if (name === undefined) return undefined;
  return backend.views?.find((f) => f.name === name) ?? topology.files.find((f) => f.name === name);
}

/**
 * Whether a log line can be this backend's: false only when the line's `docker compose logs`
 * prefix names another service than the one it runs as (`reports-1  | …` is not service web's).
 * A line without such a prefix may be anyone's.
 */
export function fromProcess(e: LogEvent, backend: Backend): boolean {
  const service = /^compose service (\S+)$/.exec(backend.launch?.process ?? '')?.[1];
  const program = e.fields?.program;
  if (service === undefined || typeof program !== 'string') return true;
  // Compose names containers <project>-<service>-<n> (v2) or <project>_<service>_<n> (v1);
  // `docker compose logs` prefixes lines with <service>-<n> or the container's name.
  const base = program.replace(/[-_]\d+$/, '');
  return base === service || base.endsWith(`-${service}`) || base.endsWith(`_${service}`);
}

/** The backend's own log lines: of its source, and not another compose service's. */
export function ownLines(backend: Backend, events: readonly LogEvent[]): LogEvent[] {
  const source = sourceOfBackend(backend);
  return events.filter((e) => e.source === source && fromProcess(e, backend));
}
