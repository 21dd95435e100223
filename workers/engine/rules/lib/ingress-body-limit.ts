/**
 * body-limit behind ingress-nginx: no nginx.conf is pasted (the controller writes it), but the
 * Ingress that serves the logged host and path is, and its `proxy-body-size` (annotation >
 * ConfigMap > controller default 1m) is the client_max_body_size in effect there.
 */
import type { LogEvent } from '../../model.ts';
import { parseSize } from '../../formats/nginx/index.ts';
import { setIngressAnnotation } from '../../formats/kubernetes/index.ts';
import type { Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { sourceOf, writtenAt } from './app-values.ts';
import { groupByIngress } from './ingress-match.ts';

/** Hits per Ingress; events no Ingress serves are returned for the generic advice. */
export function ingressBodyLimitHits(
  topology: Topology,
  events: LogEvent[],
  wanted: (bytes: number) => { bytes: number; text: string },
): { hits: RuleHit[]; rest: LogEvent[] } {
  const { groups, rest } = groupByIngress(topology, events);
  if (groups.size === 0) return { hits: [], rest };
  const hits: RuleHit[] = [];
  for (const [ingress, { file, events: mine }] of groups) {
    const setting = ingress.settings['proxy-body-size'];
    const limit = parseSize(setting?.value ?? '1m') ?? 1024 * 1024;
    const sizes = mine
      .map((e) => e.fields?.bytes)
      .filter((b): b is number => typeof b === 'number');
    const seen = sizes.length ? Math.max(...sizes) : null;
    if (limit === 0 || (seen !== null && limit >= seen)) continue;
    const target = seen !== null ? wanted(Math.max(seen, limit + 1)) : null;
    const edits = target
      ? setIngressAnnotation(file, ingress.name, 'proxy-body-size', target.text)
      : [];
    const source = setting ? sourceOf(setting.source) : 'ingress-nginx default';
    const at = setting ? writtenAt(setting.source) : null;
    hits.push({
      key: `body-limit ingress ${file.name} ${ingress.name}`,
      message:
        `${mine.length} request(s) through Ingress ${ingress.name} were refused with 413` +
        (seen !== null ? `: the body was up to ${seen} bytes` : '') +
        `, over its proxy-body-size ${setting?.value ?? '1m'} (${source}); ingress-nginx turns ` +
        'that into client_max_body_size for the Ingress.',
      evidence: [
        at
          ? { ...at, note: 'proxy-body-size' }
          : { file: file.name, line: ingress.line, note: `Ingress ${ingress.name}` },
        ...mine.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
      ],
      compared: [
        {
          hop: `Ingress ${ingress.name}`,
          setting: 'proxy-body-size',
          value: setting?.value ?? '1m',
          source,
        },
        ...(seen !== null
          ? [
              {
                hop: 'client',
                setting: 'request body',
                value: `${seen} bytes`,
                source: 'error log',
              },
            ]
          : []),
      ],
      explains: mine,
      fix:
        target && edits.length > 0
          ? {
              safety: 'safe',
              description:
                `Annotate Ingress ${ingress.name} with nginx.ingress.kubernetes.io/proxy-body-size: ` +
                `"${target.text}" (the largest body logged was ${seen} bytes). It applies to every ` +
                'path of this Ingress, not to other Ingresses.',
              edits,
            }
          : {
              safety: 'manual',
              description: `Raise proxy-body-size on Ingress ${ingress.name}.`,
              edits: [],
            },
    });
  }
  return { hits, rest };
}
