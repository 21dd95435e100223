/**
 * What the pasted config does not say but the inputs imply, as nodes the rules can read like
 * any other:
 *
 * - A loose fragment of location-level directives (`client_max_body_size 2000M;` quoted in a
 *   thread) is read inside a location: a `location /` node whose body is the fragment's own
 *   top level, so effective values come from its lines and fixes edit them.
 * - When no pasted location passes requests anywhere, the servers and upstreams nginx named in
 *   its error log (`server: pay.example.com`, `upstream: "uwsgi://127.0.0.1:9090"`) become a
 *   server with that name and a location with that *_pass — nodes whose file and line are the
 *   log line that showed them. The fragment goes into that location.
 *
 * Every node made here has `assumed` set to what was assumed, for the messages that use it.
 * Nothing here has text of its own: an edit aimed at an observed node is advice, not a patch.
 */
import type { ConfigNode } from './config.ts';
import type { PassDirective } from './query.ts';
import type { Block, Directive, NginxFile } from './tree.ts';

/** A server and upstream nginx logged, with the log line that showed them. */
export interface ObservedPass {
  /** `server:` of the error line ('' when nginx logged none). */
  server: string;
  directive: PassDirective;
  /** As the *_pass would write it: `http://127.0.0.1:8000`, `127.0.0.1:9090`, `unix:/run/a.sock`. */
  target: string;
  file: string;
  line: number;
}

function virtualBlock(
  directive: Directive | null,
  line: number,
  children: Directive[] = [],
): Block {
  return { directive, children, open: -1, close: -1, openLine: line, closeLine: line };
}

function virtualDirective(
  name: string,
  args: string[],
  at: { file: string; line: number },
  parent: Block,
): Directive {
  return {
    name,
    args,
    line: at.line,
    endLine: at.line,
    start: -1,
    end: -1,
    nameEnd: -1,
    argsStart: -1,
    argsEnd: -1,
    file: at.file,
    context: parent.directive?.name ?? 'main',
    parent,
  };
}

function node(
  directive: Directive,
  context: string,
  parent: ConfigNode | null,
  assumed: string,
): ConfigNode {
  return {
    directive,
    name: directive.name,
    args: directive.args,
    file: directive.file,
    line: directive.line,
    context,
    parent,
    children: [],
    via: [],
    assumed,
  };
}

/**
 * Nodes for the fragments read as location bodies and the servers nginx logged. `fragments`:
 * each loose file read in location context, with its top-level nodes, which are moved under
 * their location. Returns the new top-level nodes and every node made.
 */
export function assumedNodes(
  fragments: readonly { file: NginxFile; nodes: ConfigNode[] }[],
  observed: readonly ObservedPass[],
): { top: ConfigNode[]; made: ConfigNode[] } {
  const made: ConfigNode[] = [];
  const top: ConfigNode[] = [];
  const names = fragments.map((f) => f.file.name).join(', ');
  /** A node; `body`: the block it opens ('new' for an empty one, absent for a simple directive). */
  const make = (
    name: string,
    args: string[],
    at: { file: string; line: number },
    parent: ConfigNode | null,
    why: string,
    body?: Block | 'new',
  ): ConfigNode => {
    const d = virtualDirective(name, args, at, parent?.directive.block ?? virtualBlock(null, 1));
    if (body) d.block = body === 'new' ? virtualBlock(d, at.line) : body;
    const n = node(d, parent ? parent.name : 'http', parent, why);
    parent?.children.push(n);
    made.push(n);
    return n;
  };
  /** `location /` around the fragments: its block is the first one's top level (fixes edit it). */
  const fragmentLocation = (parent: ConfigNode | null, why: string): ConfigNode => {
    const first = fragments[0]!;
    const at = { file: first.file.name, line: first.nodes[0]?.line ?? 1 };
    const loc = make('location', ['/'], at, parent, why, first.file.tree.root);
    if (!parent) loc.context = 'server';
    for (const f of fragments)
      for (const n of f.nodes) {
        n.parent = loc;
        loc.children.push(n);
      }
    return loc;
  };

  if (observed.length === 0) {
    if (fragments.length > 0)
      top.push(
        fragmentLocation(null, `assuming ${names} applies to the server your log lines name`),
      );
    return { top, made };
  }

  // One server per name nginx logged; in it, one location per kind of *_pass.
  const servers = new Map<string, ObservedPass[]>();
  for (const o of observed) servers.set(o.server, [...(servers.get(o.server) ?? []), o]);
  let placed = fragments.length === 0;
  for (const [name, passes] of servers) {
    const at = passes[0]!;
    const server = make('server', [], at, null, 'as your log lines show it', 'new');
    top.push(server);
    make('server_name', [name || '_'], at, server, 'the server name nginx logged');
    const byDirective = new Map<PassDirective, ObservedPass[]>();
    for (const p of passes)
      byDirective.set(p.directive, [...(byDirective.get(p.directive) ?? []), p]);
    for (const [directive, list] of byDirective) {
      const what = 'as your log lines show it; no nginx config routes it';
      const loc = placed
        ? make('location', ['/'], list[0]!, server, what, 'new')
        : fragmentLocation(server, `${what}; assuming ${names} applies there`);
      placed = true;
      // Several servers behind one location: nginx balanced them, as an upstream block does.
      const targets = [...new Set(list.map((p) => p.target))];
      const group = `logged_upstream_${made.length}`;
      make(
        directive,
        [targets.length === 1 ? targets[0]! : group],
        list[0]!,
        loc,
        'the upstream nginx logged',
      );
      if (targets.length > 1) {
        const upstream = make(
          'upstream',
          [group],
          list[0]!,
          null,
          'the servers nginx logged for these requests',
          'new',
        );
        top.push(upstream);
        for (const t of targets)
          make(
            'server',
            [t.replace(/^[a-z]+:\/\//, '')],
            list.find((o) => o.target === t)!,
            upstream,
            'a server nginx logged',
          );
      }
    }
  }
  return { top, made };
}
