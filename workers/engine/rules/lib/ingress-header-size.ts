/**
 * header-size behind ingress-nginx: "upstream sent too big header" for a host and path an
 * Ingress serves. Its `proxy-buffer-size` (annotation > ConfigMap > default 4k) becomes
 * proxy_buffer_size, and ingress-nginx sizes proxy_buffers from it too (proxy-buffers-number
 * of them, default 4), so raising the one annotation is enough for nginx to accept it.
 */
import type { LogEvent } from '../../model.ts';
import { parseSize } from '../../formats/nginx/index.ts';
import { setIngressAnnotation } from '../../formats/kubernetes/index.ts';
import type { Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { sourceOf, writtenAt } from './app-values.ts';
import { groupByIngress } from './ingress-match.ts';

const TARGET = 16 * 1024;

export function ingressHeaderHits(
  topology: Topology,
  events: LogEvent[],
): { hits: RuleHit[]; rest: LogEvent[] } {
  const { groups, rest } = groupByIngress(topology, events);
  if (groups.size === 0) return { hits: [], rest };
  const hits: RuleHit[] = [];
  for (const [ingress, { file, events: mine }] of groups) {
    const setting = ingress.settings['proxy-buffer-size'];
    const size = parseSize(setting?.value ?? '4k') ?? 4096;
    if (size >= TARGET) continue; // a blind increase past 16k is not the answer (see header-size)
    const edits = setIngressAnnotation(file, ingress.name, 'proxy-buffer-size', '16k');
    const source = setting ? sourceOf(setting.source) : 'ingress-nginx default';
    const at = setting ? writtenAt(setting.source) : null;
    hits.push({
      key: `header-size ingress ${file.name} ${ingress.name}`,
      message:
        `The upstream's response header did not fit proxy-buffer-size ${setting?.value ?? '4k'} ` +
        `(${source}) of Ingress ${ingress.name}: ingress-nginx logged "upstream sent too big ` +
        `header" ${mine.length} time(s) and answered 502.`,
      evidence: [
        at
          ? { ...at, note: 'proxy-buffer-size' }
          : { file: file.name, line: ingress.line, note: `Ingress ${ingress.name}` },
        ...mine.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
      ],
      compared: [
        {
          hop: `Ingress ${ingress.name}`,
          setting: 'proxy-buffer-size',
          value: setting?.value ?? '4k',
          source,
        },
      ],
      explains: mine,
      fix:
        edits.length > 0
          ? {
              safety: 'safe',
              description:
                `Annotate Ingress ${ingress.name} with nginx.ingress.kubernetes.io/proxy-buffer-size: ` +
                '"16k" (ingress-nginx sizes proxy_buffers from it as well). It costs up to 16k per ' +
                'proxied connection for this Ingress; big headers usually come from cookies or ' +
                'auth tokens, worth trimming too.',
              edits,
            }
          : {
              safety: 'manual',
              description: `Raise proxy-buffer-size on Ingress ${ingress.name}.`,
              edits: [],
            },
    });
  }
  return { hits, rest };
}
