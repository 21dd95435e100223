/**
 * An app server's keep-alive idle timeout raised, in the pasted file that sets it (or would):
 * the fix when the hop in front of it (ingress-nginx's pool, a load balancer sending straight
 * to it) keeps idle connections longer and cannot simply be shortened.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import {
  setContainerGunicornSetting,
  setContainerHypercornSetting,
  setContainerUvicornSetting,
  type KubernetesTree,
} from '../../formats/kubernetes/index.ts';
import { setGunicornSetting, type GunicornTree } from '../../formats/gunicorn/index.ts';
import { setApacheDirective, type ApacheTree } from '../../formats/apache/index.ts';
import { setHypercornSetting, type HypercornTree } from '../../formats/hypercorn/index.ts';
import { setNodeTimeouts, type NodeTree } from '../../formats/node/index.ts';
import { setPumaSetting, type PumaTree } from '../../formats/puma/index.ts';
import { setUvicornSetting } from '../../formats/uvicorn/edit.ts';
import type { UvicornTree } from '../../formats/uvicorn/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import type { Topology } from '../../topology/index.ts';
import type { BackendIdle } from './backend-idle.ts';
import { backendFile, numberOf } from './app-values.ts';

/** Edits that set the idle timeout to `seconds` (Node: its milliseconds); [] when none can. */
export function raiseBackendIdle(
  backend: BackendIdle,
  seconds: number,
  topology: Topology,
): Edit[] {
  const b = backend.backend;
  const fileNamed = (name: string | undefined) => backendFile(topology, b, name);
  // Where the value is written, else the server's own pasted file, else the container's
  // command line (the manifest).
  const own = b.files.map(fileNamed).find((f) => f?.kind === b.kind);
  const file = fileNamed(backend.line?.file) ?? own ?? (b.pod ? fileNamed(b.files[0]) : undefined);
  if (file?.kind === 'kubernetes' && b.pod) {
    const target = { workload: b.pod.workload.name, container: b.pod.container.name };
    const parsed = file as ParsedFile<KubernetesTree>;
    if (b.kind === 'gunicorn')
      return setContainerGunicornSetting(parsed, target, backend.setting, seconds);
    if (b.kind === 'uvicorn')
      return setContainerUvicornSetting(parsed, target, backend.setting, seconds);
    if (b.kind === 'hypercorn')
      // Two options in one command line are not rewritten together: a read_timeout that
      // would still end first leaves the change to the person (advice).
      return readEndsFirst(b, seconds)
        ? []
        : setContainerHypercornSetting(parsed, target, 'keep_alive_timeout', seconds);
    return [];
  }
  if (file?.kind !== b.kind) return [];
  switch (b.kind) {
    case 'node':
      // Node needs headersTimeout above keepAliveTimeout, or it may cut a reused socket's
      // next request short.
      return setNodeTimeouts(file as ParsedFile<NodeTree>, {
        keepAliveTimeout: seconds * 1000,
        headersTimeout: (seconds + 1) * 1000,
      });
    case 'puma':
      return setPumaSetting(file as ParsedFile<PumaTree>, backend.setting, seconds);
    case 'gunicorn':
      return setGunicornSetting(file as ParsedFile<GunicornTree>, backend.setting, seconds);
    case 'uvicorn':
      return setUvicornSetting(file as ParsedFile<UvicornTree>, backend.setting, seconds);
    case 'uwsgi':
      return setUwsgiOption(file as ParsedFile<UwsgiTree>, backend.setting, seconds);
    case 'apache':
      return setApacheDirective(file as ParsedFile<ApacheTree>, 'KeepAliveTimeout', seconds);
    case 'hypercorn': {
      // Both of hypercorn's idle limits must end above the new value.
      const parsed = file as ParsedFile<HypercornTree>;
      return [
        ...setHypercornSetting(parsed, 'keep_alive_timeout', seconds),
        ...(readEndsFirst(b, seconds) ? setHypercornSetting(parsed, 'read_timeout', seconds) : []),
      ];
    }
  }
}

/** hypercorn: a read_timeout set below `seconds`, which would still close idle connections first. */
function readEndsFirst(b: BackendIdle['backend'], seconds: number): boolean {
  const read = numberOf(b.settings.read_timeout);
  return read !== null && read > 0 && read < seconds;
}

/** The raised value as the server takes it: "65s", Node "65000 ms", Apache "65". */
export function raisedText(backend: BackendIdle, seconds: number): string {
  const kind = backend.backend.kind;
  // A bare number of seconds, which every Apache reads (2.2 knows no unit suffix).
  return kind === 'node'
    ? `${seconds * 1000} ms`
    : kind === 'apache'
      ? `${seconds}`
      : `${seconds}s`;
}
