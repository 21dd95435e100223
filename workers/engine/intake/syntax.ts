/**
 * The shape of each config format's lines, for deciding where one pasted input ends and the
 * next begins when only blank lines separate them: whether a piece could continue the input
 * above (a comment, an indented body, an open block), and whether it must start a new one
 * (a second `[uwsgi]` header, a second `bind =`, a `server` block after a whole nginx.conf).
 */
import type { SegmentKind } from './hints.ts';
import { braceDelta } from './structure.ts';

const LINE_FITS: Partial<Record<SegmentKind, RegExp>> = {
  // Indented lines are bodies, unless they end like nginx statements.
  gunicorn:
    /^(\s+.*[^;{\s]\s*|#.*|("""|'''|[rbuf]?["']).*|[A-Za-z_][\w.]*(\[.*\])?\s*(=|\+=|-=|:).*|(import|from|def|class|if|elif|else|for|while|try|except|finally|return|with|raise|pass|global|print|assert)\b.*|@\w.*|[)\]}],?\s*)$/,
  uwsgi: /^\s*([#;].*|\[[\w.:-]+\]|[\w.-]+\s*=.*|[\w-]+|%\(\w+\).*)$/,
  'php-fpm': /^\s*([#;].*|\[[\w.:-]+\]|[\w.[\]-]+\s*=.*)$/,
  kubernetes: /^\s*(#.*|---.*|\.\.\.|-(\s.*)?|["']?[\w./-]+["']?\s*:(\s.*)?)$/,
  node: /^(\s+.*|\/\/.*|\/\*.*|\*.*|.*[;{}(),[\]]\s*(\/\/.*)?|(const|let|var|function|import|export|module|require|app|server|async|await|return|if|else|for|while)\b.*)$/,
  dotenv: /^\s*(#.*|(export\s+)?[A-Za-z_]\w*=.*)$/,
  puma: /^(\s+.*|#.*|[a-z_]+!?(\s.*|\(.*)?|end\b.*|(if|unless|require|before_fork|on_worker_boot)\b.*)$/,
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
  for (const l of lines) {
    if (l.trim() === '') continue;
    seen++;
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
    if (kind === 'gunicorn') quotes += (l.match(/"""|'''/g) ?? []).length;
    if (inString || re.test(l)) fit++;
  }
  return seen === 0 ? 1 : fit / seen;
}

/** Whether a piece consists of comments only (in `kind`'s comment syntax). */
export function onlyComments(lines: readonly string[]): boolean {
  return lines.every((l) => l.trim() === '' || /^\s*(#|\/\/|;)/.test(l));
}

/** An odd number of `"""`/`'''` so far: a docstring is still open (its prose is Python). */
function inDocstring(lines: readonly string[]): boolean {
  let n = 0;
  for (const l of lines) n += (l.match(/"""|'''/g) ?? []).length;
  return n % 2 === 1;
}

/** The last key above opened a block scalar (`key: |`) whose indented text runs on. */
function inBlockScalar(lines: readonly string[]): boolean {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (l.trim() === '') continue;
    const m = /^(\s*)(?:-\s+)?["']?[\w./-]+["']?\s*:\s*[|>][-+0-9]*\s*$/.exec(l);
    if (m) return true;
    // A line indented less than the text below it at column 0 ends any scalar.
    if (!/^\s/.test(l)) return false;
  }
  return false;
}

/** Brackets left open at the end of the lines: the next piece is still inside them. */
function openBrackets(lines: readonly string[]): number {
  let depth = 0;
  for (const l of lines) {
    // Strings first: a `#` inside one starts no comment.
    for (const c of l.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').replace(/#.*$/, '')) {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
    }
  }
  return depth;
}

/** The piece cannot stand alone: it is the inside of something the open input started. */
export function continues(
  kind: SegmentKind,
  open: readonly string[],
  piece: readonly string[],
  depth: number,
): boolean {
  const first = piece.find((l) => l.trim() !== '') ?? '';
  switch (kind) {
    case 'nginx':
      return depth > 0 || /^\s*}/.test(first);
    case 'gunicorn':
    case 'puma': {
      // An indented piece is the body of a `def`/`if` above, when it reads as Python.
      const last = [...open].reverse().find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
      const body = /^\s+\S/.test(first) && (/:\s*$/.test(last) || /^\s/.test(last));
      return (body && syntaxFit(kind, piece) >= 0.7) || openBrackets(open) > 0 || inDocstring(open);
    }
    case 'kubernetes': {
      const lastKey = [...open].reverse().find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
      // An indented piece continues the YAML when it is YAML, or the text of a block scalar
      // (`nginx.conf: |` in a ConfigMap) still open above it.
      if (!/^\s+\S/.test(first)) return /:\s*$/.test(lastKey);
      return inBlockScalar(open) || syntaxFit('kubernetes', piece) >= 0.7;
    }
    case 'node':
      return openBrackets(open) > 0 || /^\s+\S/.test(first);
    default:
      return false;
  }
}

/** nginx's brace depth at the end of `lines`. */
export function nginxDepth(lines: readonly string[]): number {
  let depth = 0;
  for (const l of lines) depth = Math.max(0, depth + braceDelta(l));
  return depth;
}

const MAIN_ONLY =
  /^\s*(user|worker_processes|worker_rlimit_nofile|pid|load_module|events|http|stream|mail|daemon|master_process|env|include\s+\/etc\/nginx\/modules-enabled)\b/;
const HTTP_LEVEL =
  /^\s*(server|upstream|map|geo|split_clients|log_format|proxy_cache_path|limit_req_zone|limit_conn_zone)\b/;
const LOCATION_LEVEL = /^\s*(location|listen|server_name)\b/;

function firstStatement(lines: readonly string[]): string {
  return lines.find((l) => l.trim() !== '' && !/^\s*#/.test(l)) ?? '';
}

/** The first statement's level in an nginx piece: what file it starts. */
function nginxLevel(lines: readonly string[]): Level {
  return levelOf(firstStatement(lines));
}

type Level = 'main' | 'http' | 'server' | 'other';

function levelOf(statement: string): Level {
  if (MAIN_ONLY.test(statement)) return 'main';
  if (HTTP_LEVEL.test(statement)) return 'http';
  if (LOCATION_LEVEL.test(statement)) return 'server';
  return 'other';
}

/** The highest level among an open piece's top-level statements (main > http > server). */
function openNginxLevel(lines: readonly string[]): Level {
  const levels = new Set<Level>();
  let depth = 0;
  for (const l of lines) {
    if (depth === 0 && l.trim() !== '' && !/^\s*#/.test(l)) levels.add(levelOf(l));
    depth = Math.max(0, depth + braceDelta(l));
  }
  for (const level of ['main', 'http', 'server'] as const) if (levels.has(level)) return level;
  return 'other';
}

/** Top-level keys set in a piece (`bind`, `workers`, …) for spotting a second file. */
function keysOf(lines: readonly string[], re: RegExp): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const m = re.exec(l);
    if (m) out.push(m[1] as string);
  }
  return out;
}

/**
 * The piece starts another input of the same kind: two files pasted one after the other with
 * only a blank line between them.
 */
export function startsAnother(
  kind: SegmentKind,
  open: readonly string[],
  piece: readonly string[],
): boolean {
  switch (kind) {
    case 'nginx': {
      const openLevel = openNginxLevel(open);
      const level = nginxLevel(piece);
      if (level === 'main') return openLevel !== 'main' || open.some((l) => /^\s*http\b/.test(l));
      if (openLevel === 'main' && (level === 'http' || level === 'server'))
        return open.some((l) => /^\s*(http|events)\b/.test(l));
      // A server's locations, then an http-level block: two files.
      if (openLevel === 'server' && level === 'http') return true;
      if (nginxLevel(open) === 'http' && level === 'server') return true;
      // Settings after a whole server block begin another file (a snippet of proxy_* lines).
      if (
        level === 'other' &&
        !/^\s*include\b/.test(firstStatement(piece)) &&
        open.some((l) => /^server\s*\{/.test(l))
      )
        return true;
      return false;
    }
    case 'gunicorn':
    case 'dotenv': {
      const re = kind === 'gunicorn' ? /^([a-z_]\w*)\s*=/ : /^(?:export\s+)?([A-Za-z_]\w*)=/;
      const seen = new Set(keysOf(open, re));
      return keysOf(piece, re).some((k) => seen.has(k));
    }
    case 'uwsgi':
    case 'php-fpm': {
      const header = /^\s*\[([\w.:-]+)\]\s*$/;
      const seen = new Set(keysOf(open, header));
      return keysOf(piece, header).some((k) => seen.has(k));
    }
    case 'kubernetes': {
      // A second document without `---`: its apiVersion/kind repeats a key at the top level.
      const top = /^(apiVersion|kind):/;
      const since = open.slice(open.findLastIndex((l) => /^---/.test(l)) + 1);
      return piece.some((l) => top.test(l)) && since.some((l) => top.test(l));
    }
    default:
      return false;
  }
}
