/**
 * The app server's own body cap below nginx's: uWSGI `limit-post` smaller than the
 * client_max_body_size of a location that reaches it. Bodies between the two pass nginx and
 * are dropped by uWSGI ("Invalid (too big) CONTENT_LENGTH. skip."), which nginx sees as the
 * upstream closing the connection — a 502 for an upload nginx itself accepted.
 */
import type { LogEvent } from '../../model.ts';
import { effective, parseSize } from '../../formats/nginx/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import type { ParsedFile } from '../../formats/types.ts';
import type { Backend, Route, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { editableFile, numberOf, sourceOf, writtenAt } from './app-values.ts';
import { whereSet } from './nginx-source.ts';

/** uWSGI's line for a body over limit-post, when a decoder passes it on. */
const TOO_BIG = /Invalid \(too big\) CONTENT_LENGTH/i;

export function appBodyLimitHits(
  topology: Topology,
  events: readonly LogEvent[],
  skip: ReadonlySet<Backend>,
): RuleHit[] {
  const config = topology.nginx;
  if (!config) return [];
  const hits: RuleHit[] = [];
  for (const backend of topology.backends) {
    if (backend.kind !== 'uwsgi' || skip.has(backend)) continue;
    const setting = backend.settings['limit-post'];
    const cap = numberOf(setting);
    if (!setting || cap === null || cap <= 0) continue;
    const routes = topology.routes.filter((r) => r.backends.some((b) => b.backend === backend));
    let widest: { route: Route; bytes: number; text: string; source: string } | null = null;
    for (const route of routes) {
      const limit = effective(
        config,
        route.location,
        'client_max_body_size',
        topology.nginxVersion,
      );
      const bytes = parseSize(limit.value?.[0] ?? '');
      if (bytes === null) continue;
      // 0 = unlimited in nginx: uWSGI's cap is then the only one, and that is a choice.
      if (bytes > 0 && bytes > cap && (!widest || bytes > widest.bytes))
        widest = { route, bytes, text: limit.value![0]!, source: whereSet(limit) };
    }
    if (!widest) continue;
    const lines = events.filter(
      (e) => e.source === 'uwsgi' && TOO_BIG.test(String(e.fields?.message ?? '')),
    );
    const file = editableFile(topology, backend, 'limit-post');
    const edits = file
      ? setUwsgiOption(file as ParsedFile<UwsgiTree>, 'limit-post', widest.bytes)
      : [];
    const at = writtenAt(setting.source);
    hits.push({
      key: `body-limit uwsgi limit-post ${backend.label}`,
      message:
        `${backend.label} drops request bodies over limit-post ${cap} bytes (${sourceOf(setting.source)}), ` +
        `but nginx accepts up to client_max_body_size ${widest.text} (${widest.source}) on ` +
        `${widest.route.label}: uploads in between pass nginx and end in a 502.`,
      evidence: [
        ...(at ? [{ ...at, note: 'uWSGI limit-post' }] : []),
        { file: widest.route.location.file, line: widest.route.location.line, note: 'reaches it' },
        ...lines.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
      ],
      compared: [
        {
          hop: backend.label,
          setting: 'limit-post',
          value: `${cap} bytes`,
          source: sourceOf(setting.source),
        },
        {
          hop: 'nginx',
          setting: 'client_max_body_size',
          value: widest.text,
          source: widest.source,
        },
      ],
      explains: lines,
      fix:
        edits.length > 0
          ? {
              safety: 'safe',
              description:
                `Raise uWSGI limit-post to ${widest.bytes} bytes (nginx's ${widest.text}), so the ` +
                "limit users meet is nginx's clean 413, not a dropped connection.",
              edits,
            }
          : {
              safety: 'manual',
              description: `Set limit-post to at least ${widest.bytes}.`,
              edits: [],
            },
    });
  }
  return hits;
}
