/**
 * How long the proxy in front of an app server waits for a response: nginx's effective
 * `*_read_timeout` in each location that reaches it, and ingress-nginx's `proxy-read-timeout`
 * (annotation > ConfigMap > controller default) for Ingresses whose backend Service is the
 * app's workload. The app-timeout rule compares the longest of these with the app's limit.
 */
import type { ParsedFile } from '../../formats/types.ts';
import type { EffectiveSettings } from '../../formats/gunicorn/index.ts';
import {
  kubernetesIngresses,
  kubernetesIngressNginx,
  type KubernetesTree,
} from '../../formats/kubernetes/index.ts';
import type { Backend, Route, Topology } from '../../topology/index.ts';
import { readTimeout } from './app-limit.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';

export interface Wait {
  /** The hop, for people: "nginx shop.example.com location /", "Ingress shop (shop.example.com /)". */
  label: string;
  directive: string;
  /** As written or defaulted: "120s", "60". */
  value: string;
  seconds: number;
  /** "site.conf:12", "nginx 1.22 default", "ingress-nginx default (…)". */
  source: string;
  /** The line that sets it, or null for defaults. */
  line: { file: string; line: number } | null;
  /** Where the hop is declared (a location, an Ingress path), cited when the value is a default. */
  anchor: { file: string; line: number };
  /** The nginx route, when the wait is nginx's own. */
  route?: Route;
}

export function nginxWaits(topology: Topology, routes: readonly Route[]): Wait[] {
  return routes.flatMap((route) => {
    const read = readTimeout(topology, route);
    if (!read) return [];
    const s = read.effective.source;
    return [
      {
        label: `nginx ${route.label}`,
        directive: read.directive,
        value: read.effective.value!.join(' '),
        seconds: read.seconds,
        source: 'file' in s ? `${s.file}:${s.line}` : s.default,
        line: 'file' in s ? { file: s.file, line: s.line } : null,
        anchor: { file: route.location.file, line: route.location.line },
        route,
      },
    ];
  });
}

/** One path of an Ingress, with the Ingress's effective ingress-nginx settings. */
export interface IngressPath {
  ingress: string;
  host: string | null;
  path: string;
  service: string;
  settings: EffectiveSettings;
  file: string;
  line: number;
}

/** Every Ingress path in the pasted manifests (ConfigMap settings from any pasted file). */
export function ingressPaths(topology: Topology): IngressPath[] {
  const files = topology.files.filter(
    (f): f is ParsedFile<KubernetesTree> => f.kind === 'kubernetes',
  );
  const globals = files.map((f) => kubernetesIngressNginx(f));
  const global =
    globals.find((g) => Object.values(g).some((v) => writtenAt(v.source) !== null)) ?? globals[0];
  return files.flatMap((file) =>
    kubernetesIngresses(file, global).flatMap((ing) =>
      ing.backends.map((b) => ({
        ingress: ing.name,
        host: b.host,
        path: b.path ?? '/',
        service: b.service ?? '',
        settings: ing.settings,
        file: file.name,
        line: b.line,
      })),
    ),
  );
}

/** The Ingress path ingress-nginx serves `host` + `path` from (the longest matching prefix). */
export function matchIngress(
  paths: readonly IngressPath[],
  host: string | null,
  path: string,
): IngressPath | null {
  const h = host?.replace(/:\d+$/, '').toLowerCase() ?? null;
  const fits = paths.filter(
    (p) => (p.host === null || p.host.toLowerCase() === h) && path.startsWith(p.path),
  );
  // An exact host beats a catch-all rule; then the longest path.
  return (
    fits.sort(
      (a, b) => Number(b.host !== null) - Number(a.host !== null) || b.path.length - a.path.length,
    )[0] ?? null
  );
}

/** An ingress-nginx timeout setting of a path as a Wait. */
export function ingressWait(p: IngressPath, setting: string): Wait | null {
  const value = p.settings[setting];
  const seconds = numberOf(value);
  if (!value || seconds === null) return null;
  return {
    label: `Ingress ${p.ingress} (${p.host ?? '*'} ${p.path} → ${p.service || '?'})`,
    directive: setting,
    value: value.value!,
    seconds,
    source: sourceOf(value.source),
    line: writtenAt(value.source),
    anchor: { file: p.file, line: p.line },
  };
}

/**
 * ingress-nginx waits for a backend that runs in a pod: Ingress paths whose Service is named
 * like the pod's workload (`web` → Deployment `web`, `web-svc`), or any Ingress path when this
 * is the only app server running in a pod.
 */
export function ingressWaits(topology: Topology, backend: Backend | undefined): Wait[] {
  if (!backend?.pod) return [];
  const workload = backend.pod.workload.name;
  const inPods = topology.backends.filter((b) => b.pod).length;
  return ingressPaths(topology).flatMap((p) => {
    const named = p.service === workload || p.service.startsWith(`${workload}-`);
    if (!named && inPods !== 1) return [];
    const wait = ingressWait(p, 'proxy-read-timeout');
    return wait ? [wait] : [];
  });
}
