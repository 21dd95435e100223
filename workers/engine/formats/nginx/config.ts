import { hasGlob, includeMatches, splitPath, type IncludeCandidate } from './include.ts';
import {
  findLocations,
  findUpstreams,
  ownPass,
  type LocationInfo,
  type UpstreamInfo,
} from './query.ts';
import { assumedNodes, type ObservedPass } from './assumed.ts';
import { allowedIn } from './placement.ts';
import { parseNginx } from './parse.ts';
import { rightSized } from './directive.ts';
import type { Directive, NginxFile } from './tree.ts';

/**
 * A directive placed in the whole configuration: includes expanded, with the context it really
 * has there. A snippet included from two servers gives two nodes for each of its directives
 * (same `directive`, different parents).
 */
export interface ConfigNode {
  directive: Directive;
  name: string;
  args: string[];
  file: string;
  line: number;
  /** Effective context after includes: 'main', 'http', 'server', 'location', 'upstream', 'if', … */
  context: string;
  parent: ConfigNode | null;
  /** For block directives: the body, with included files' directives spliced in place. */
  children: ConfigNode[];
  /** The `include` directives this node came through, outermost first. */
  via: Directive[];
  /**
   * Set on nodes no pasted text holds, made from what the inputs imply (assumed.ts): what was
   * assumed, for people ("server pay.example.com, named in your log lines").
   */
  assumed?: string;
}

/**
 * A directive of the parsed tree placed in the whole configuration. Its arguments are the
 * directive's, read when first asked for: most of a fleet's are never looked at.
 */
class PlacedNode implements ConfigNode {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  children: ConfigNode[];
  declare assumed?: string;

  constructor(
    readonly directive: Directive,
    public context: string,
    public parent: ConfigNode | null,
    readonly via: Directive[],
  ) {
    this.name = directive.name;
    this.file = directive.file;
    this.line = directive.line;
    this.children = directive.block ? [] : NO_CHILDREN;
  }

  get args(): string[] {
    return this.directive.args;
  }
}

export interface ConfigError {
  file: string;
  line: number;
  message: string;
  /**
   * `unmatched-include`: a file of the setup that was not pasted (usual: mime.types), a note;
   * `include-cycle` and `expansion-cap`: the configuration cannot be read whole, an error.
   */
  kind: 'unmatched-include' | 'include-cycle' | 'expansion-cap';
}

export interface NginxConfig {
  files: NginxFile[];
  /** The files nothing includes, each with the context it was read in. */
  roots: { file: NginxFile; context: string }[];
  /** Top-level nodes of every root, in order. */
  top: ConfigNode[];
  /** Include problems (missing files, cycles): reported, never fatal. */
  errors: ConfigError[];
  /** Every node in document order (depth first). */
  nodes(): ConfigNode[];
  upstreams(): UpstreamInfo[];
  locations(): LocationInfo[];
  /** The effective contexts of a parsed directive (several when its file is included twice). */
  contextsOf(d: Directive): string[];
  file(name: string): NginxFile | undefined;
}

/**
 * Cap on expanded nodes, against includes that fan out (a includes b twice, b includes c
 * twice, …): a few times the directives given, and never below 500,000. A fleet's `nginx -T`
 * gives hundreds of thousands of directives itself and must be read whole.
 */
const MIN_CAP = 500_000;
/**
 * The children of every node without a block: one shared list, frozen so that a push into it
 * fails loudly (a fleet's config has 10^5–10^6 such nodes; an empty array each cost megabytes).
 */
const NO_CHILDREN: ConfigNode[] = Object.freeze([]) as unknown as ConfigNode[];
const FAN_OUT = 4;

function isMain(f: NginxFile): boolean {
  return f.tree.root.children.some(
    (d) => d.name === 'http' || d.name === 'events' || d.name === 'stream',
  );
}

/**
 * The context a file nothing includes implies (a snippet, a quoted piece of a paste): when it
 * holds only simple directives, the narrowest block that accepts all of them (placement.ts) —
 * a quoted `client_max_body_size 2000M;` is read in a location. Lines no one block accepts
 * together are an error (on the first line that does not fit), not a guess.
 */
export function fragmentContext(f: NginxFile): {
  context: string;
  error?: Omit<ConfigError, 'kind'>;
} {
  const tops = f.tree.root.children.filter((d) => d.name !== 'include');
  if (isMain(f) || tops.some((d) => d.block)) return { context: guessContext(f) };
  let allowed: string[] | null = null;
  for (const d of tops) {
    const where = allowedIn(d.name, false);
    if (!where) continue;
    const next: string[] = allowed ? allowed.filter((c) => where.includes(c)) : [...where];
    if (next.length === 0) {
      const message =
        `${d.name} belongs in ${where.join(' or ')}, the lines above it in ${(allowed ?? []).join(' or ')}: ` +
        'these lines cannot all be in one block';
      return { context: guessContext(f), error: { file: f.name, line: d.line, message } };
    }
    allowed = next;
  }
  const narrowest = ['location', 'server', 'http', 'upstream', 'events', 'main'].find((c) =>
    allowed?.includes(c),
  );
  return { context: narrowest ?? guessContext(f) };
}

/**
 * The context a file nothing includes was written for: a main config, else guessed from what
 * sits at its top (`server` blocks → http, `location` → server, proxy settings → location).
 */
export function guessContext(f: NginxFile): string {
  const names = new Set(f.tree.root.children.map((d) => d.name));
  if (isMain(f)) return 'main';
  if (names.has('server') || names.has('upstream') || names.has('map') || names.has('log_format'))
    return 'http';
  if (names.has('location') || names.has('listen') || names.has('server_name')) return 'server';
  if ([...names].some((n) => /_pass$/.test(n))) return 'location';
  return 'http';
}

/**
 * The files each `include` directive names. A match through a path of two or more segments or
 * a literal name is strong; a bare pasted name (`a.conf`) matched only by a wildcard is weak:
 * such a file goes to the first include (in paste order) that weakly matches it, and only when
 * no include names it strongly — so `sites-enabled/*` and `conf.d/*.conf` in the same
 * nginx.conf do not both pull in `app.conf`. A file may include itself (a cycle nginx
 * rejects), but never through a weak match.
 */
function resolveIncludes(
  files: NginxFile[],
  candidates: IncludeCandidate[],
): Map<Directive, NginxFile[]> {
  const out = new Map<Directive, NginxFile[]>();
  const weak: { d: Directive; file: NginxFile }[] = [];
  const strong = new Set<NginxFile>();
  // A fleet has an include in every location (`include proxy_params;`) and a file per site:
  // each pattern is matched once, and a name without a wildcard only against the files whose
  // last path segment it is (a loose, unnamed file only answers wildcards).
  const byBase = new Map<string, number[]>();
  files.forEach((f, i) => {
    const base = splitPath(f.name).at(-1);
    if (base === undefined) return;
    const same = byBase.get(base);
    if (same) same.push(i);
    else byBase.set(base, [i]);
  });
  const everyFile = files.map((_, i) => i);
  const matched = new Map<string, number[]>();
  const matching = (pattern: string): number[] => {
    let found = matched.get(pattern);
    if (!found) {
      const last = splitPath(pattern).at(-1) ?? '';
      const pool = hasGlob(last) ? everyFile : (byBase.get(last) ?? []);
      found = pool.filter((i) => includeMatches(pattern, candidates[i] as IncludeCandidate));
      matched.set(pattern, found);
    }
    return found;
  };
  for (const from of files) {
    for (const d of from.directives()) {
      if (d.name !== 'include' || d.args.length !== 1) continue;
      const pattern = d.args[0] as string;
      const lastGlob = hasGlob(splitPath(pattern).at(-1) ?? '');
      const targets: NginxFile[] = [];
      for (const i of matching(pattern)) {
        const f = files[i] as NginxFile;
        if (lastGlob && (splitPath(f.name).length === 1 || f.loose)) {
          if (f !== from) weak.push({ d, file: f });
          continue;
        }
        targets.push(f);
        strong.add(f);
      }
      out.set(d, targets);
    }
  }
  const taken = new Set<NginxFile>();
  for (const { d, file } of weak) {
    if (strong.has(file) || taken.has(file)) continue;
    taken.add(file);
    out.get(d)?.push(file);
  }
  return out;
}

/**
 * Builds the whole configuration from the pasted nginx files: resolves `include` against the
 * other files by path suffix and glob (see include.ts), reports includes that match nothing
 * (globs may match nothing, as in nginx) and include cycles at the including line, and gives
 * every directive its context after includes.
 */
export function buildConfig(
  files: NginxFile[],
  observed: readonly ObservedPass[] = [],
): NginxConfig {
  const errors: ConfigError[] = [];
  const candidates: IncludeCandidate[] = files.map((f) => ({
    name: f.name,
    main: isMain(f),
    ...(f.loose ? { loose: true } : {}),
  }));
  const targetsOf = resolveIncludes(files, candidates);

  // Roots: files no other file includes (all of them if includes only form cycles).
  const included = new Set<NginxFile>();
  for (const [d, targets] of targetsOf)
    for (const g of targets) if (g.name !== d.file) included.add(g);
  let rootFiles = files.filter((f) => !included.has(f));
  if (rootFiles.length === 0 && files.length > 0) rootFiles = [files[0] as NginxFile];

  let given = 0;
  for (const f of files) for (const _ of f.directives()) given++;
  const maxNodes = Math.max(MIN_CAP, FAN_OUT * given);
  let count = 0;
  let capped = false;
  const all: ConfigNode[] = [];
  const expand = (
    directives: Directive[],
    parent: ConfigNode | null,
    context: string,
    stack: NginxFile[],
    via: Directive[],
    out: ConfigNode[],
  ): void => {
    for (const d of directives) {
      if (count >= maxNodes) {
        if (!capped)
          errors.push({
            file: d.file,
            line: d.line,
            message: `includes expand to more than ${maxNodes} directives; the rest is not analysed`,
            kind: 'expansion-cap',
          });
        capped = true;
        return;
      }
      count++;
      const node = new PlacedNode(d, context, parent, via);
      out.push(node);
      all.push(node);
      if (d.block && d.raw === undefined) {
        expand(d.block.children, node, d.name, stack, via, node.children);
        node.children = rightSized(node.children);
      }
      if (d.name !== 'include' || d.args.length !== 1) continue;
      const pattern = d.args[0] as string;
      const targets = targetsOf.get(d) ?? [];
      if (targets.length === 0 && !hasGlob(pattern)) {
        errors.push({
          file: d.file,
          line: d.line,
          message: `include "${pattern}" matches none of the pasted files (its directives are not analysed)`,
          kind: 'unmatched-include',
        });
      }
      for (const target of targets) {
        if (stack.includes(target)) {
          const chain = [...stack.slice(stack.indexOf(target)), target]
            .map((f) => f.name)
            .join(' → ');
          const message = `include cycle: ${chain}`;
          if (
            !errors.some((e) => e.file === d.file && e.line === d.line && e.message === message)
          ) {
            errors.push({ file: d.file, line: d.line, message, kind: 'include-cycle' });
          }
          continue;
        }
        expand(target.tree.root.children, parent, context, [...stack, target], [...via, d], out);
      }
    }
  };

  const roots = rootFiles.map((file) => ({ file, context: fragmentContext(file).context }));
  let top: ConfigNode[] = [];
  const fragments: { file: NginxFile; nodes: ConfigNode[] }[] = [];
  for (const r of roots) {
    const nodes: ConfigNode[] = [];
    expand(r.file.tree.root.children, null, r.context, [r.file], [], nodes);
    if (r.context === 'location') fragments.push({ file: r.file, nodes });
    top.push(...nodes);
  }
  // Fragments read in a location, and what nginx logged when no pasted location routes anything.
  const routes = all.some((n) => n.name === 'location' && ownPass(n) !== null);
  if (fragments.length > 0 || (!routes && observed.length > 0)) {
    const moved = new Set(fragments.flatMap((f) => f.nodes));
    const assumed = assumedNodes(fragments, routes ? [] : observed);
    top = [...top.filter((n) => !moved.has(n)), ...assumed.top];
    all.push(...assumed.made);
  }

  // Each directive's context after includes; a list only for one read in several (a snippet
  // included from two kinds of block) — a list per directive was megabytes of a fleet's heap.
  const firstContext = new Map<Directive, string>();
  const moreContexts = new Map<Directive, string[]>();
  for (const n of all) {
    const first = firstContext.get(n.directive);
    if (first === undefined) firstContext.set(n.directive, n.context);
    else if (first !== n.context) {
      const list = moreContexts.get(n.directive) ?? [first];
      if (!list.includes(n.context)) list.push(n.context);
      moreContexts.set(n.directive, list);
    }
  }
  // A log that showed a server stands in for its config: empty, so rules that edit "the file
  // of this node" get edits the fix stage turns into advice (nothing of it was pasted).
  // Files by name, the first of a name winning as a scan would: a fleet's dump has thousands.
  const byName = new Map<string, (typeof files)[number]>();
  for (const f of files) if (!byName.has(f.name)) byName.set(f.name, f);
  const standIns = new Map(
    [...new Set(observed.map((o) => o.file))]
      .filter((name) => !byName.has(name))
      .map((name) => [name, parseNginx(name, '')]),
  );
  let upstreams: UpstreamInfo[] | null = null;
  let locations: LocationInfo[] | null = null;
  const config: NginxConfig = {
    files,
    roots,
    top,
    errors,
    nodes: () => all,
    upstreams: () => (upstreams ??= findUpstreams(all)),
    locations: () => (locations ??= findLocations(all, config.upstreams())),
    contextsOf: (d) => moreContexts.get(d) ?? [firstContext.get(d) ?? d.context],
    file: (name) => byName.get(name) ?? standIns.get(name),
  };
  return config;
}
