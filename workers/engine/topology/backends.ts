/**
 * The app servers nginx may be talking to, from every pasted file: gunicorn and uWSGI configs
 * and command lines (also inside Kubernetes containers), Node.js servers, Puma configs. Each comes with its
 * effective settings (with provenance) and what it listens on.
 */
import type { ParsedFile } from '../formats/types.ts';
import type { Launched } from '../formats/gunicorn/program.ts';
import type { EffectiveSettings } from '../formats/gunicorn/index.ts';
import {
  gunicornLayers,
  mergeGunicornLayers,
  effectiveWorkerClass,
} from '../formats/gunicorn/index.ts';
import { mergeUwsgiSettings, uwsgiApplied, uwsgiSettings } from '../formats/uwsgi/index.ts';
import { nodeDefaultSettings, nodeSettings, type NodeTree } from '../formats/node/index.ts';
import { pumaSettings, type PumaTree } from '../formats/puma/index.ts';
import {
  parseUvicorn,
  uvicornDefaults,
  uvicornRuns,
  type UvicornTree,
} from '../formats/uvicorn/index.ts';
import { hypercornRuns, parseHypercorn, type HypercornTree } from '../formats/hypercorn/index.ts';
import { apacheSettings, type ApacheTree } from '../formats/apache/index.ts';
import { parseGunicorn, type GunicornTree } from '../formats/gunicorn/index.ts';
import { parseUwsgi } from '../formats/uwsgi/index.ts';
import {
  kubernetesWorkloads,
  type KubernetesTree,
  type WorkloadView,
} from '../formats/kubernetes/index.ts';
import { parseEndpoint, type Endpoint } from './address.ts';
import type { ObservedListener } from './observed.ts';
import { oneServer, splitGunicorn } from './processes.ts';
import {
  apacheListeners,
  gunicornListeners,
  hypercornListeners,
  pumaListeners,
  uvicornListeners,
  uwsgiListeners,
} from './listeners.ts';

export type BackendKind =
  'gunicorn' | 'uwsgi' | 'node' | 'puma' | 'uvicorn' | 'hypercorn' | 'apache';
export type Protocol = 'http' | 'https' | 'uwsgi' | 'fastcgi' | 'scgi';

export interface Listener {
  endpoint: Endpoint;
  /** As written, for messages. */
  address: string;
  protocol: Protocol;
  file: string;
  line: number | null;
  /**
   * uWSGI's `http`/`https`: a separate router process in front of the workers, with its own
   * timer (`http-timeout`, default 60 s) between nginx and the app.
   */
  router?: boolean;
}

export interface Backend {
  kind: BackendKind;
  /** For people: "gunicorn (gunicorn.conf.py)", "uWSGI in deploy.yaml Deployment web / app". */
  label: string;
  settings: EffectiveSettings;
  listeners: Listener[];
  /** gunicorn's worker class after `threads` (sync with threads > 1 runs gthread). */
  workerClass?: string | null;
  /** The Kubernetes workload and container that run it, when it came from a manifest. */
  pod?: { workload: WorkloadView; container: WorkloadView['containers'][number] };
  files: string[];
  /**
   * Files as this server reads them where that differs from the pasted file: a compose file
   * that starts gunicorn (or uvicorn, hypercorn) in two services, narrowed to this one's (edits
   * then go to its own command line). Rules look files up through backendFile().
   */
  views?: ParsedFile[];
  /**
   * Where its command is written, when a launch file starts it; `process` where that file
   * starts several ("compose service reports": another service's log lines are not its own,
   * and its manager's stop settings are that service's).
   */
  launch?: Launched;
}

export type Container = WorkloadView['containers'][number];

export function collectBackends(
  files: readonly ParsedFile[],
  observed: readonly ObservedListener[] = [],
): Backend[] {
  const backends = fromConfigs(files);
  return [...backends, ...fromLogs(backends, observed)];
}

/**
 * App servers their own logs announced: a listener where the pasted config says nothing of
 * one (no config, or a default bind), or a whole server when no config of it was pasted — its
 * settings then are the defaults, its listener and worker class the logged ones.
 */
function fromLogs(backends: Backend[], observed: readonly ObservedListener[]): Backend[] {
  const added: Backend[] = [];
  for (const o of observed) {
    const endpoint = parseEndpoint(o.address.replace(/^http:\/\//, ''), 8000);
    if (!endpoint) continue;
    const listener: Listener = {
      endpoint,
      address: o.address,
      protocol: 'http',
      file: o.file,
      line: o.line,
    };
    const same = backends.filter((b) => b.kind === o.kind);
    if (same.length > 0) {
      for (const b of same) {
        const bind = b.settings.bind;
        const unsaid =
          b.kind === 'gunicorn' ? bind && 'default' in bind.source : b.listeners.length === 0;
        if (!unsaid) continue;
        b.listeners = [listener];
        if (b.kind === 'gunicorn')
          b.settings = {
            ...b.settings,
            bind: { value: o.address, source: { file: o.file, line: o.line } },
          };
      }
      continue;
    }
    const at = { file: o.file, line: o.line };
    if (o.kind === 'gunicorn') {
      const settings = mergeGunicornLayers([]);
      settings.bind = { value: o.address, source: at };
      if (o.workerClass)
        settings.worker_class = {
          value: o.workerClass.value,
          source: { file: o.workerClass.file, line: o.workerClass.line },
        };
      const b = gunicorn(settings, 'gunicorn (from its log)', [o.file]);
      b.listeners = [listener];
      added.push(b);
    } else if (o.kind === 'uvicorn') {
      added.push({
        kind: 'uvicorn',
        label: 'uvicorn (from its log)',
        settings: uvicornDefaults(),
        listeners: [listener],
        files: [o.file],
      });
    } else if (o.kind === 'node') {
      added.push({
        kind: 'node',
        label: 'Node.js (from its log)',
        settings: nodeDefaultSettings(),
        listeners: [listener],
        files: [o.file],
      });
    } else {
      added.push({
        kind: 'uwsgi',
        label: 'uWSGI (from its log)',
        settings: mergeUwsgiSettings([]),
        listeners: [listener],
        files: [o.file],
      });
    }
  }
  return added;
}

/** The app servers whose launch files (compose, Procfile, units, scripts) the engine reads. */
const LAUNCHED: Record<
  'gunicorn' | 'uwsgi' | 'uvicorn' | 'hypercorn',
  (name: string, text: string) => ParsedFile
> = {
  gunicorn: parseGunicorn,
  uwsgi: parseUwsgi,
  uvicorn: parseUvicorn,
  hypercorn: parseHypercorn,
};

/**
 * The files of `kind`, and the launch files detection gave another app server's kind that start
 * this one too (a compose file whose `web` runs gunicorn and `api` uvicorn is one file of one
 * kind), read again as `kind`.
 */
function filesOf(files: readonly ParsedFile[], kind: keyof typeof LAUNCHED): ParsedFile[] {
  return files.flatMap((f): ParsedFile[] => {
    if (f.kind === kind) return [f];
    if (!(f.kind in LAUNCHED)) return [];
    const tree = f.tree as { form?: string } | null;
    if (tree?.form !== 'launch' || !new RegExp(`\\b${kind}\\b`).test(f.text)) return [];
    const again = LAUNCHED[kind](f.name, f.text);
    const started = again.tree as { form?: string; commands?: unknown[]; servers?: unknown[] };
    const count =
      started.form === 'launch' ? (started.commands ?? started.servers ?? []).length : 0;
    return count > 0 ? [again] : [];
  });
}

function fromConfigs(files: readonly ParsedFile[]): Backend[] {
  const of = (kind: string) =>
    kind in LAUNCHED
      ? filesOf(files, kind as keyof typeof LAUNCHED)
      : files.filter((f) => f.kind === kind);
  const backends: Backend[] = [];
  const gunicornFiles = of('gunicorn');
  const uwsgiFiles = of('uwsgi');
  const containers = of('kubernetes').flatMap((f) =>
    kubernetesWorkloads(f as ParsedFile<KubernetesTree>).flatMap((workload) =>
      workload.containers
        .filter((c) => !c.init)
        .map((container) => ({ file: f.name, workload, container })),
    ),
  );

  // Containers that run gunicorn or uWSGI: the pasted config files are the lower layers
  // (a `-c gunicorn.conf.py` in the command reads them), the container's command line wins.
  const gunicornPods = containers.filter((c) => c.container.runtime.gunicorn);
  for (const pod of gunicornPods) {
    const layers = [
      ...gunicornFiles.flatMap(gunicornLayers),
      ...pod.container.runtime.gunicorn!.layers,
    ];
    backends.push(
      gunicorn(
        mergeGunicornLayers(layers),
        podLabel('gunicorn', pod),
        [pod.file, ...gunicornFiles.map((f) => f.name)],
        pod,
      ),
    );
  }
  if (gunicornPods.length === 0 && gunicornFiles.length > 0) {
    // A file that starts gunicorn in several processes (compose services, supervisord
    // programs) gives one gunicorn per process; the other gunicorn files are read by each.
    const { shared, processes } = splitGunicorn(gunicornFiles);
    if (processes.length === 0) {
      const settings = mergeGunicornLayers(gunicornFiles.flatMap(gunicornLayers));
      backends.push(
        gunicorn(
          settings,
          `gunicorn (${names(gunicornFiles)})`,
          gunicornFiles.map((f) => f.name),
        ),
      );
    }
    for (const view of processes) {
      // The process's own command line last: it wins over what the shared files say.
      const files = [...shared, view];
      // A process view is a launch file holding that process's command (gunicornProcesses).
      const command = (view.tree as Extract<GunicornTree, { form: 'launch' }>).commands[0]!;
      backends.push({
        ...gunicorn(
          mergeGunicornLayers(files.flatMap(gunicornLayers)),
          `gunicorn (${command.unit} in ${view.name})`,
          files.map((f) => f.name),
        ),
        views: [view],
        launch: { file: view.name, at: command.words[0]!.start, process: command.unit },
      });
    }
  }

  const uwsgiPods = containers.filter((c) => c.container.runtime.uwsgi);
  for (const pod of uwsgiPods) {
    const applied = pod.container.runtime.uwsgi!.applied;
    const settings = mergeUwsgiSettings([...uwsgiApplied(uwsgiFiles), ...applied]);
    backends.push({
      kind: 'uwsgi',
      label: podLabel('uWSGI', pod),
      settings,
      listeners: uwsgiFiles.length > 0 ? uwsgiListeners(uwsgiFiles) : [],
      pod: { workload: pod.workload, container: pod.container },
      files: [pod.file, ...uwsgiFiles.map((f) => f.name)],
    });
  }
  if (uwsgiPods.length === 0 && uwsgiFiles.length > 0) {
    backends.push({
      kind: 'uwsgi',
      label: `uWSGI (${names(uwsgiFiles)})`,
      settings: uwsgiSettings(uwsgiFiles),
      listeners: uwsgiListeners(uwsgiFiles),
      files: uwsgiFiles.map((f) => f.name),
    });
  }

  for (const file of of('puma')) {
    const puma = file as ParsedFile<PumaTree>;
    backends.push({
      kind: 'puma',
      label: `Puma (${file.name})`,
      settings: pumaSettings(puma),
      listeners: pumaListeners(puma),
      files: [file.name],
    });
  }

  for (const file of of('uvicorn')) {
    for (const run of uvicornRuns(file as ParsedFile<UvicornTree>)) {
      backends.push({
        kind: 'uvicorn',
        label: `uvicorn (${run.origin} in ${file.name})`,
        settings: run.settings,
        listeners: uvicornListeners(run.settings, file.name),
        files: [file.name],
        launch: run.launch,
        ...oneServer([file], run.launch),
      });
    }
  }
  // Containers whose command runs uvicorn or hypercorn (gunicorn's and uWSGI's are above).
  const LISTENERS = { uvicorn: uvicornListeners, hypercorn: hypercornListeners };
  for (const kind of ['uvicorn', 'hypercorn'] as const) {
    for (const pod of containers.filter((c) => c.container.runtime[kind])) {
      const settings = pod.container.runtime[kind]!.settings;
      backends.push({
        kind,
        label: podLabel(kind, pod),
        settings,
        listeners: LISTENERS[kind](settings, pod.file),
        pod: { workload: pod.workload, container: pod.container },
        files: [pod.file],
      });
    }
  }

  const hypercornFiles = of('hypercorn') as ParsedFile<HypercornTree>[];
  for (const run of hypercornRuns(hypercornFiles)) {
    backends.push({
      kind: 'hypercorn',
      label: `hypercorn (${run.origin})`,
      settings: run.settings,
      listeners: hypercornListeners(run.settings, run.files.at(-1)!),
      files: run.files,
      ...(run.launch ? { launch: run.launch, ...oneServer(hypercornFiles, run.launch) } : {}),
    });
  }

  const apacheFiles = of('apache') as ParsedFile<ApacheTree>[];
  if (apacheFiles.length > 0)
    backends.push({
      kind: 'apache',
      label: `Apache httpd (${names(apacheFiles)})`,
      settings: apacheSettings(apacheFiles),
      listeners: apacheListeners(apacheFiles),
      files: apacheFiles.map((f) => f.name),
    });

  for (const file of of('node')) {
    backends.push({
      kind: 'node',
      label: `Node.js (${file.name})`,
      settings: nodeSettings(file as ParsedFile<NodeTree>),
      listeners: [],
      files: [file.name],
    });
  }
  return backends;
}

function gunicorn(
  settings: EffectiveSettings,
  label: string,
  files: string[],
  pod?: { workload: WorkloadView; container: Container },
): Backend {
  return {
    kind: 'gunicorn',
    label,
    settings,
    listeners: gunicornListeners(settings, files[0] ?? ''),
    workerClass: effectiveWorkerClass(settings),
    ...(pod ? { pod: { workload: pod.workload, container: pod.container } } : {}),
    files,
  };
}

function podLabel(
  program: string,
  pod: { file: string; workload: WorkloadView; container: Container },
): string {
  return `${program} in ${pod.file} ${pod.workload.kind} ${pod.workload.name} / ${pod.container.name}`;
}

function names(files: readonly ParsedFile[]): string {
  return files.map((f) => f.name).join(', ');
}
