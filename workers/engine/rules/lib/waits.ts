/**
 * How long the proxy in front of an app server waits for a response: nginx's effective
 * `*_read_timeout` in each location that reaches it, and ingress-nginx's `proxy-read-timeout`
 * (annotation > ConfigMap > controller default) for Ingresses whose backend Service is the
 * app's workload. The app-timeout rule compares the longest of these with the app's limit.
 */
import type { ParsedFile } from '../../formats/types.ts';
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

/**
 * ingress-nginx waits for a backend that runs in a pod: Ingress paths whose Service is named
 * like the pod's workload (`web` → Deployment `web`, `web-svc`), or any Ingress path when this
 * is the only app server running in a pod.
 */
export function ingressWaits(topology: Topology, backend: Backend | undefined): Wait[] {
  if (!backend?.pod) return [];
  const workload = backend.pod.workload.name;
  const inPods = topology.backends.filter((b) => b.pod).length;
  const files = topology.files.filter(
    (f): f is ParsedFile<KubernetesTree> => f.kind === 'kubernetes',
  );
  // The ConfigMap may sit in another pasted file than the Ingress.
  const globals = files.map((f) => kubernetesIngressNginx(f));
  const global =
    globals.find((g) => writtenAt(g['proxy-read-timeout']!.source) !== null) ?? globals[0];
  const out: Wait[] = [];
  for (const file of files) {
    for (const ing of kubernetesIngresses(file, global)) {
      const value = ing.settings['proxy-read-timeout'];
      const seconds = numberOf(value);
      if (!value || seconds === null) continue;
      for (const b of ing.backends) {
        const service = b.service ?? '';
        const named = service === workload || service.startsWith(`${workload}-`);
        if (!named && inPods !== 1) continue;
        out.push({
          label: `Ingress ${ing.name} (${b.host ?? '*'} ${b.path ?? '/'} → ${service || '?'})`,
          directive: 'proxy-read-timeout',
          value: value.value!,
          seconds,
          source: sourceOf(value.source),
          line: writtenAt(value.source),
          anchor: { file: file.name, line: b.line },
        });
      }
    }
  }
  return out;
}
