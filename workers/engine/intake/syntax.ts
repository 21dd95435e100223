/**
 * The shape of each config format's lines, for deciding where one pasted input ends and the
 * next begins when only blank lines separate them: whether a piece could continue the input
 * above (a comment, an indented body, an open block), and whether it must start a new one
 * (a second `[uwsgi]` header, a second `bind =`, a `server` block after a whole nginx.conf).
 */
import type { SegmentKind } from './hints.ts';
import { tripleQuotes } from './lines.ts';
import { braceDelta } from './structure.ts';

/** Tested on lines with their trailing blanks removed (see syntaxFit). */
const LINE_FITS: Partial<Record<SegmentKind, RegExp>> = {
  // Indented lines are bodies, unless they end like nginx statements.
  gunicorn:
    /^(\s.*[^;{\s]|#.*|("""|'''|[rbuf]?["']).*|[A-Za-z_][\w.]*(\[.*\])?[ \t]*(=|\+=|-=|:).*|(import|from|def|class|if|elif|else|for|while|try|except|finally|return|with|raise|pass|global|print|assert)\b.*|@\w.*|[)\]}],?|[\w.]+\(.*\))$/,
  uwsgi: /^[ \t]*([#;].*|\[[\w.:-]+\]|[\w.-]+[ \t]*=.*|[\w-]+|%\(\w+\).*)$/,
  'php-fpm': /^[ \t]*([#;].*|\[[\w.:-]+\]|[\w.[\]-]+[ \t]*=.*)$/,
  kubernetes: /^[ \t]*(#.*|---.*|\.\.\.|-(\s.*)?|["']?[\w./-]+["']?[ \t]*:(\s.*)?)$/,
  // YAML (keys, `- Key:` items, `!Ref` values) or JSON (keys, braces, brackets).
  cloudformation: /^[ \t]*(#.*|-(\s.*)?|["']?[\w.:/-]+["']?[ \t]*:(\s.*)?|[{}[\],]+,?)$/,
  node: /^(\s.*|\/\/.*|\/\*.*|\*.*|[^/]*[;{}(),[\]]|.*[;{}(),[\]][ \t]*\/\/.*|(const|let|var|function|import|export|module|require|app|server|async|await|return|if|else|for|while)\b.*)$/,
  dotenv: /^[ \t]*(#.*|(export[ \t]+)?[A-Za-z_]\w*=.*)$/,
  puma: /^(\s.*|#.*|[a-z_]+!?(\s.*|\(.*)?|end\b.*|(if|unless|require|before_fork|on_worker_boot)\b.*)$/,
  // Directives are capitalised words; sections are `<Name …>` and `</Name>`.
  apache: /^[ \t]*(#.*|<\/?[A-Za-z][\w:.-]*([ \t][^>]*)?>|[A-Z][A-Za-z]+([ \t].*)?)$/,
};

/** Lines that end like nginx statements but are code (JavaScript, mostly). */
const NOT_NGINX =
  /^\s*(const|let|var|function|import|export|return|module\.|\/\/)|=>|\brequire\(|\bconsole\./;

/**
 * nginx by statements: a directive may run over several lines (`log_format` strings,
 * `proxy_cache_path` arguments one per line) until its `;` or `{`. Lines of statements that end
 * so, comments and `}` fit; a statement that never ends, or reads as code, does not.
 */
function nginxFit(lines: readonly string[]): number {
  let seen = 0;
  let fit = 0;
  let pending = 0;
  // Inside `*_by_lua_block { … }` the lines are Lua, which nginx takes raw.
  let lua = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    seen++;
    if (lua > 0) {
      lua += braceDelta(l);
      fit++;
      continue;
    }
    if (/^\s*[a-z_]+_by_lua_block\b[^{]*\{\s*$/.test(l)) {
      lua = 1;
      fit++;
      continue;
    }
    if (/^\s*#/.test(l)) {
      fit++;
      continue;
    }
    if (NOT_NGINX.test(l)) {
      pending = 0;
      continue;
    }
    pending++;
    if (/[;{}]\s*(#.*)?$/.test(l)) {
      fit += pending;
      pending = 0;
    }
  }
  return seen === 0 ? 1 : fit / seen;
}

/** 0..1: the share of a piece's non-blank lines shaped like lines of `kind`. */
export function syntaxFit(kind: SegmentKind, lines: readonly string[]): number {
  if (kind === 'nginx') return nginxFit(lines);
  const re = LINE_FITS[kind];
  if (!re) return 0;
  let seen = 0;
  let fit = 0;
  // Inside a Python docstring every line is the string's.
  let quotes = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    seen++;
    const inString = kind === 'gunicorn' && quotes % 2 === 1;
    if (kind === 'gunicorn') quotes += tripleQuotes(l);
    if (inString || re.test(l.trimEnd())) fit++;
  }
  return seen === 0 ? 1 : fit / seen;
}

/** Whether a piece consists of comments only (in `kind`'s comment syntax). */
export function onlyComments(lines: readonly string[]): boolean {
  return lines.every((l) => l.trim() === '' || /^\s*(#|\/\/|;)/.test(l));
}

const MAIN_ONLY =
  /^\s*(user|worker_processes|worker_rlimit_nofile|pid|load_module|events|http|stream|mail|daemon|master_process|env|include\s+\/etc\/nginx\/modules-enabled)\b/;
const HTTP_LEVEL =
  /^\s*(server|upstream|map|geo|split_clients|log_format|proxy_cache_path|limit_req_zone|limit_conn_zone)\b/;
const LOCATION_LEVEL = /^\s*(location|listen|server_name)\b/;

type Level = 'main' | 'http' | 'server' | 'other';

function levelOf(statement: string): Level {
  if (MAIN_ONLY.test(statement)) return 'main';
  if (HTTP_LEVEL.test(statement)) return 'http';
  if (LOCATION_LEVEL.test(statement)) return 'server';
  return 'other';
}

const isContent = (l: string) => l.trim() !== '' && !/^\s*#/.test(l);

function firstStatement(lines: readonly string[]): string {
  return lines.find(isContent) ?? '';
}

const KEY = {
  gunicorn: /^([a-z_]\w*)\s*=/,
  dotenv: /^(?:export\s+)?([A-Za-z_]\w*)=/,
  ini: /^\s*\[([\w.:-]+)\]\s*$/,
};

/**
 * The ini dialects whose files hold several sections, often a blank line apart: a systemd unit
 * (`[Unit]`, `[Service]`, `[Install]`) and a supervisord config (`[program:web]`, `[group:x]`).
 */
const SECTION_FAMILIES: readonly [string, RegExp][] = [
  ['systemd', /^(Unit|Service|Install|Socket|Timer|Mount|Path|Slice|Scope)$/],
  [
    'supervisord',
    /^((program|group|eventlistener|fcgi-program|rpcinterface):.+|supervisord|supervisorctl|unix_http_server|inet_http_server|include)$/,
  ],
];

function familyOf(section: string | undefined): string | null {
  if (section === undefined) return null;
  return SECTION_FAMILIES.find(([, re]) => re.test(section))?.[0] ?? null;
}

/** Two blocks that open sections of one systemd unit or one supervisord config. */
export function sameSectionFamily(above: readonly string[], below: readonly string[]): boolean {
  const family = familyOf(KEY.ini.exec(firstStatement(above))?.[1]);
  return family !== null && family === familyOf(KEY.ini.exec(firstStatement(below))?.[1]);
}

/**
 * What an input being read so far looks like at its end: open braces and brackets, an open
 * docstring or block scalar, the levels and keys it has set. Kept up to date line by line as
 * blocks join it, so deciding about the next block costs that block's lines only.
 */
export class OpenInput {
  private depth = 0;
  private brackets = 0;
  private quotes = 0;
  private last = '';
  private firstLevel: Level | null = null;
  private readonly levels = new Set<Level>();
  private httpBlock = false;
  private mainBlocks = false;
  private serverBlock = false;
  private readonly keys = new Set<string>();
  /** Kubernetes: apiVersion/kind seen since the last `---`; a `key: |` scalar still open. */
  private documentKeys = 0;
  private scalar = false;
  /** A systemd unit or supervisord config (by its first section line), and its sections so far. */
  private family: string | null | undefined = undefined;
  private readonly sections = new Set<string>();

  constructor(
    readonly kind: SegmentKind,
    lines: readonly string[],
  ) {
    this.add(lines);
  }

  add(lines: readonly string[]): void {
    for (const l of lines) {
      if (l.trim() === '') continue;
      if (this.kind === 'nginx') this.nginxLine(l);
      else if (this.kind === 'terraform' || this.kind === 'cloudformation')
        this.depth = Math.max(0, this.depth + braceDelta(l));
      else if (this.kind === 'apache')
        this.depth = Math.max(0, this.depth + (/^\s*<\//.test(l) ? -1 : /^\s*</.test(l) ? 1 : 0));
      else if (this.kind === 'gunicorn' || this.kind === 'puma' || this.kind === 'node') {
        this.quotes += tripleQuotes(l);
        if (this.quotes % 2 === 0) this.brackets += braceDelta(l, '([{', ')]}');
      } else if (this.kind === 'kubernetes') this.yamlLine(l);
      const key = this.keyOf(l);
      if (key) this.keys.add(key);
      if (isContent(l)) {
        this.last = l;
        const section = KEY.ini.exec(l)?.[1];
        this.family ??= familyOf(section);
        if (section !== undefined) this.sections.add(section);
      }
    }
  }

  private nginxLine(l: string): void {
    if (this.depth === 0 && isContent(l)) {
      const level = levelOf(l);
      this.firstLevel ??= level;
      this.levels.add(level);
      if (/^\s*(http|events)\b/.test(l)) this.mainBlocks = true;
      if (/^\s*http\b/.test(l)) this.httpBlock = true;
      if (/^server\s*\{/.test(l)) this.serverBlock = true;
    }
    this.depth = Math.max(0, this.depth + braceDelta(l));
  }

  private yamlLine(l: string): void {
    if (/^---/.test(l)) this.documentKeys = 0;
    else if (/^(apiVersion|kind):/.test(l)) this.documentKeys++;
    if (/^\s*(?:-\s+)?["']?[\w./-]+["']?\s*:\s*[|>][-+0-9]*\s*$/.test(l)) this.scalar = true;
    else if (/^\S/.test(l)) this.scalar = false;
  }

  private keyOf(l: string): string | undefined {
    const re =
      this.kind === 'gunicorn'
        ? KEY.gunicorn
        : this.kind === 'dotenv'
          ? KEY.dotenv
          : /^(uwsgi|php-fpm)$/.test(this.kind)
            ? KEY.ini
            : null;
    return re ? re.exec(l)?.[1] : undefined;
  }

  /** The piece cannot stand alone: it is the inside of something this input started. */
  continues(piece: readonly string[]): boolean {
    const first = piece.find((l) => l.trim() !== '') ?? '';
    const indented = /^\s+\S/.test(first);
    // The next section of a systemd unit or supervisord config (`[Install]` after `[Service]`).
    const section = KEY.ini.exec(first)?.[1];
    if (this.family && familyOf(section) === this.family && !this.sections.has(section!))
      return true;
    switch (this.kind) {
      case 'nginx':
      case 'terraform':
        return this.depth > 0 || /^\s*}/.test(first);
      case 'apache':
        // A blank line inside an open <VirtualHost>: the rest of it.
        return this.depth > 0;
      case 'cloudformation':
        // An indented piece is the next resource or property of the YAML; JSON stays open.
        return this.depth > 0 || /^\s*[}\]]/.test(first) || indented;
      case 'gunicorn':
      case 'puma': {
        if (this.brackets > 0 || this.quotes % 2 === 1) return true;
        // An indented piece is the body of a `def`/`if` above, when it reads as Python.
        const body = indented && (/:\s*$/.test(this.last) || /^\s/.test(this.last));
        return body && syntaxFit(this.kind, piece) >= 0.7;
      }
      case 'kubernetes':
        // An indented piece continues the YAML when it is YAML, or the text of a block scalar
        // (`nginx.conf: |` in a ConfigMap) still open above it.
        if (!indented) return /:\s*$/.test(this.last);
        return this.scalar || syntaxFit('kubernetes', piece) >= 0.7;
      case 'node':
        return this.brackets > 0 || indented;
      default:
        return false;
    }
  }

  /**
   * The piece starts another input of the same kind: two files pasted one after the other with
   * only a blank line between them.
   */
  startsAnother(piece: readonly string[]): boolean {
    switch (this.kind) {
      case 'nginx':
        return this.nginxStartsAnother(piece);
      case 'kubernetes':
        // A second document without `---`: its apiVersion/kind repeats a top-level key. After
        // `---` it is the next document of the same file (one manifest per resource).
        if (/^---/.test(firstStatement(piece))) return false;
        return this.documentKeys > 0 && piece.some((l) => /^(apiVersion|kind):/.test(l));
      default: {
        // A section of another dialect after a unit or supervisord config: another file.
        const section = KEY.ini.exec(firstStatement(piece))?.[1];
        if (this.family && section !== undefined && familyOf(section) !== this.family) return true;
        return piece.some((l) => {
          const key = this.keyOf(l);
          return key !== undefined && this.keys.has(key);
        });
      }
    }
  }

  private nginxStartsAnother(piece: readonly string[]): boolean {
    const open: Level =
      (['main', 'http', 'server'] as const).find((l) => this.levels.has(l)) ?? 'other';
    const first = firstStatement(piece);
    const level = levelOf(first);
    // A second main config (after one with its `http {}`), or one after another level's file.
    if (level === 'main') return open !== 'main' || this.httpBlock;
    if (open === 'main' && (level === 'http' || level === 'server')) return this.mainBlocks;
    // A server's locations, then an http-level block: two files.
    if (open === 'server' && level === 'http') return true;
    if (this.firstLevel === 'http' && level === 'server') return true;
    // Settings after a whole server block begin another file (a snippet of proxy_* lines).
    return level === 'other' && !/^\s*include\b/.test(first) && this.serverBlock;
  }
}

const DOCSTRING_START = /^\s*[rbuf]?("""|''')/;

/** A line starts a Python docstring (after a comment or two) that the block does not close. */
export function opensDocstring(texts: readonly string[]): boolean {
  return (
    texts.some((t) => DOCSTRING_START.test(t)) &&
    texts.reduce((n, t) => n + tripleQuotes(t), 0) % 2 === 1
  );
}

/** A block that holds a docstring: Python, not prose, whatever its words. */
export function hasDocstring(texts: readonly string[]): boolean {
  const first = texts.findIndex((t) => !/^\s*#/.test(t));
  return first >= 0 && DOCSTRING_START.test(texts[first]!);
}

/** Past the line that closes a docstring opened at `i` (at least `j`). */
export function docstringEnd(texts: readonly string[], i: number, j: number): number {
  let quotes = 0;
  for (let k = i; k < texts.length; k++) {
    quotes += tripleQuotes(texts[k]!);
    if (quotes > 0 && quotes % 2 === 0) return Math.max(j, k + 1);
  }
  return j;
}
