/**
 * A Node.js server file or snippet, read without running it: where the HTTP server is
 * created (`http.createServer`, `app.listen` which returns it, Fastify's factory) and the
 * timeouts set on it (`server.keepAliveTimeout = …`, `setTimeout`, factory options).
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { NODE_SETTINGS, type NodeSettingName } from './defaults.ts';
import { maskJs, matchBracket } from './jsmask.ts';
import { evalJsNumber } from './value.ts';

export interface NodeServer {
  /** The variable holding the server, when assigned. */
  variable: string | null;
  framework: 'http' | 'https' | 'http2' | 'express-like' | 'fastify';
  /** Offsets of the whole statement creating it, and its first line's indentation. */
  start: number;
  end: number;
  line: number;
  indent: string;
  /** `{ … }` options object passed to the factory, if any. */
  options?: { start: number; end: number };
}

export interface NodeAssignment {
  name: NodeSettingName;
  target: string;
  value: string | null;
  dynamic?: string;
  valueStart: number;
  valueEnd: number;
  line: number;
  via: 'property' | 'setTimeout' | 'option';
}

export interface NodeTree {
  masked: string;
  servers: NodeServer[];
  assignments: NodeAssignment[];
  /** Statements end with `;` in this file. */
  semicolons: boolean;
}

const CREATE =
  /(?:\b(?:const|let|var)\s+|\b)([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?((?:[A-Za-z_$][\w$]*\.)*)(createServer|createSecureServer|listen)\s*\(/g;
const BARE_CREATE =
  /^[ \t]*(?:await\s+)?((?:[A-Za-z_$][\w$]*\.)*)(createServer|createSecureServer|listen)\s*\(/gm;
const FASTIFY =
  /(?:\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*)?\b(fastify|Fastify|require\(\s*(['"])fastify\3\s*\))\s*\(/g;
const PROP =
  /\b([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.(keepAliveTimeout|headersTimeout|requestTimeout|timeout|maxRequestsPerSocket)\s*=(?!=)\s*/g;
const SET_TIMEOUT = /\b([A-Za-z_$][\w$]*)\.setTimeout\s*\(\s*/g;
const OPTION =
  /\b(keepAliveTimeout|headersTimeout|requestTimeout|connectionTimeout|maxRequestsPerSocket)\s*:\s*/g;

/** End of an expression starting at `from`: the first `;`, `,` or `}` at depth 0, or the line end. */
export function exprEnd(masked: string, from: number, stopAtComma = false): number {
  let depth = 0;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return trimEnd(masked, from, i);
      depth--;
    } else if (depth === 0 && (c === ';' || c === '\n' || (stopAtComma && c === ',')))
      return trimEnd(masked, from, i);
  }
  return trimEnd(masked, from, masked.length);
}
function trimEnd(s: string, from: number, i: number): number {
  while (i > from && /\s/.test(s[i - 1]!)) i--;
  return i;
}

function statementEnd(masked: string, callOpen: number): number {
  let end = matchBracket(masked, callOpen);
  if (end < 0) return masked.length;
  // Chained calls: `.listen(…)`, `.on(…)`.
  for (;;) {
    const m = /^\s*\.\s*[A-Za-z_$][\w$]*\s*\(/.exec(masked.slice(end));
    if (!m) break;
    const e = matchBracket(masked, end + m[0].length - 1);
    if (e < 0) break;
    end = e;
  }
  if (masked[end] === ';') end++;
  return end;
}

export function parseNode(name: string, text: string): ParsedFile<NodeTree> {
  const { masked, errors } = maskJs(text);
  const starts = lineStarts(text);
  const allErrors: FileError[] = [...errors];
  const servers: NodeServer[] = [];
  const lineStartOf = (o: number) => text.lastIndexOf('\n', o - 1) + 1;
  const indentAt = (o: number) => /^[ \t]*/.exec(text.slice(lineStartOf(o)))![0];
  const seen = new Set<number>();
  for (const m of masked.matchAll(CREATE)) {
    const open = m.index! + m[0].length - 1;
    const owner = m[2] ?? '';
    if (m[3] === 'listen' && owner === '') continue;
    const stmtStart = lineStartOf(m.index!) + indentAt(m.index!).length;
    seen.add(open);
    const s: NodeServer = {
      variable: m[1]!,
      framework: frameworkOf(owner, m[3]!, text),
      start: stmtStart,
      end: statementEnd(masked, open),
      line: lineAt(starts, m.index!),
      indent: indentAt(m.index!),
    };
    const arg = /^\s*\{/.exec(masked.slice(open + 1));
    if (arg && m[3] !== 'listen') {
      const os = open + 1 + arg[0].length - 1;
      const oe = matchBracket(masked, os);
      if (oe > 0) s.options = { start: os, end: oe };
    }
    servers.push(s);
  }
  for (const m of masked.matchAll(BARE_CREATE)) {
    const open = m.index! + m[0].length - 1;
    if (seen.has(open) || (m[2] === 'listen' && !m[1])) continue;
    const at = m.index! + /^[ \t]*/.exec(m[0])![0].length;
    servers.push({
      variable: null,
      framework: frameworkOf(m[1] ?? '', m[2]!, text),
      start: at,
      end: statementEnd(masked, open),
      line: lineAt(starts, at),
      indent: indentAt(at),
    });
  }
  // Matched on the text (the module name is a string), kept only where the code is not a comment.
  for (const m of text.matchAll(FASTIFY)) {
    if (
      masked[m.index! + m[0].length - 1] !== '(' ||
      masked.slice(m.index!, m.index! + 2).trim() === ''
    )
      continue;
    const open = m.index! + m[0].length - 1;
    const at = m[1] ? m.index! : m.index! + m[0].indexOf(m[2]!);
    const s: NodeServer = {
      variable: m[1] ?? null,
      framework: 'fastify',
      start: at,
      end: statementEnd(masked, open),
      line: lineAt(starts, at),
      indent: indentAt(at),
    };
    const arg = /^\s*\{/.exec(masked.slice(open + 1));
    if (arg) {
      const os = open + 1 + arg[0].length - 1;
      const oe = matchBracket(masked, os);
      if (oe > 0) s.options = { start: os, end: oe };
    }
    servers.push(s);
  }
  servers.sort((a, b) => a.start - b.start);

  const assignments: NodeAssignment[] = [];
  const push = (
    name: NodeSettingName,
    target: string,
    vs: number,
    ve: number,
    via: NodeAssignment['via'],
  ) => {
    const v = evalJsNumber(text.slice(vs, ve));
    const a: NodeAssignment = {
      name,
      target,
      value: v.value,
      valueStart: vs,
      valueEnd: ve,
      line: lineAt(starts, vs),
      via,
    };
    if (v.dynamic) a.dynamic = v.dynamic;
    assignments.push(a);
  };
  for (const m of masked.matchAll(PROP)) {
    const vs = m.index! + m[0].length;
    push(m[2] as NodeSettingName, m[1]!, vs, exprEnd(masked, vs), 'property');
  }
  for (const m of masked.matchAll(SET_TIMEOUT)) {
    const vs = m.index! + m[0].length;
    const target = m[1]!;
    if (target === 'globalThis' || target === 'window') continue;
    push('timeout', target, vs, exprEnd(masked, vs, true), 'setTimeout');
  }
  for (const s of servers) {
    if (!s.options) continue;
    const body = masked.slice(s.options.start, s.options.end);
    for (const m of body.matchAll(OPTION)) {
      const vs = s.options.start + m.index! + m[0].length;
      const name = (m[1] === 'connectionTimeout' ? 'timeout' : m[1]) as NodeSettingName;
      push(name, s.variable ?? s.framework, vs, exprEnd(masked, vs, true), 'option');
    }
  }
  assignments.sort((a, b) => a.valueStart - b.valueStart);
  const stmts = masked.split('\n').filter((l) => /\S/.test(l) && !/[{(,[]\s*$/.test(l));
  const semis = stmts.filter((l) => /;\s*$/.test(l)).length;
  const tree: NodeTree = {
    masked,
    servers,
    assignments,
    semicolons: stmts.length === 0 || semis * 2 >= stmts.length,
  };
  return {
    name,
    kind: 'node',
    text,
    errors: allErrors,
    tree,
    print: () => text,
    settings: () => nodeFileSettings(name, tree),
  };
}

function frameworkOf(owner: string, fn: string, text: string): NodeServer['framework'] {
  if (fn === 'listen') return 'express-like';
  if (/^https\.$/.test(owner)) return 'https';
  if (/^http2\.$/.test(owner) || fn === 'createSecureServer') return 'http2';
  if (owner === '' && /from\s+['"](node:)?https['"]/.test(text)) return 'https';
  return 'http';
}

function nodeFileSettings(file: string, tree: NodeTree): Setting[] {
  return tree.assignments
    .filter((a) => NODE_SETTINGS.includes(a.name))
    .map((a) => {
      const s: Setting = {
        key: a.name,
        value: a.value,
        file,
        line: a.line,
        scope: `${a.target} (${a.via})`,
      };
      if (a.dynamic) s.dynamic = a.dynamic;
      return s;
    });
}
