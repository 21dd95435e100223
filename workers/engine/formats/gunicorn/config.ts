/**
 * Reads a gunicorn Python config file statement by statement, binding module-level names
 * to values of the safe subset (see pyeval.ts). Assignments under an `if` whose condition
 * is unknown, or in a loop, make the name dynamic; `def`/`class` bodies are skipped (they
 * are hooks, run by gunicorn later, and never change settings).
 */
import type { FileError } from '../../model.ts';
import { evalExpr, type Scope } from './pyeval.ts';
import { pyLex, type LogicalLine, type Tok } from './pylex.ts';
import { display, dyn, notesOf, truthy, withNotes, type Val } from './pyval.ts';
import { isGunicornSetting } from './defaults.ts';

export interface PyAssignment {
  name: string;
  value: Val;
  /** 1-based line of the statement. */
  line: number;
  /** The statement (for edits): offsets of the whole logical line and of the value expression. */
  stmt: LogicalLine;
  valueStart: number;
  valueEnd: number;
  /** False when the assignment is nested under a block (if/for/with/try). */
  topLevel: boolean;
}

export interface PyConfig {
  assignments: PyAssignment[];
  /** Module-level names after the whole file ran, as far as we can tell. */
  names: Map<string, Val>;
  lines: LogicalLine[];
  errors: FileError[];
}

type Live = 'yes' | 'no' | 'unknown';
interface Block {
  indent: number;
  live: Live;
  kind: 'if' | 'def' | 'loop' | 'other';
  why: string;
  /** For if/elif chains: has an earlier branch certainly run, or possibly run? */
  chain?: Live;
  /** Environment lookups the branch choice rests on: values assigned inside carry them. */
  notes?: string[];
}

const BLOCK_START = /^(if|elif|else|for|while|with|try|except|finally|def|class|async|match|case)$/;

export function readPyConfig(text: string): PyConfig {
  const { lines, errors } = pyLex(text);
  const names = new Map<string, Val>();
  const scope: Scope = { lookup: (n) => names.get(n) };
  const assignments: PyAssignment[] = [];
  const stack: Block[] = [];
  // The most recent closed if-chain at each indent, for elif/else.
  const chains = new Map<number, Block>();

  for (const ll of lines) {
    while (stack.length && stack[stack.length - 1]!.indent >= ll.indent) {
      const b = stack.pop()!;
      if (b.kind === 'if') chains.set(b.indent, b);
    }
    for (const k of [...chains.keys()]) if (k > ll.indent) chains.delete(k);
    const first = ll.toks[0]!;
    const outerLive = combine(stack);
    if (
      first.kind === 'name' &&
      BLOCK_START.test(first.text) &&
      ll.toks.some((t) => t.text === ':')
    ) {
      const kw = first.text;
      const colon = topLevelColon(ll.toks);
      const cond = ll.toks.slice(1, colon);
      let block: Block;
      if (kw === 'def' || kw === 'class' || kw === 'async')
        block = { indent: ll.indent, live: 'no', kind: 'def', why: '' };
      else if (kw === 'if' || kw === 'elif' || kw === 'else') {
        const prev = kw === 'if' ? undefined : chains.get(ll.indent);
        const prevChain: Live = prev?.chain ?? 'no';
        const condNotes: string[] = [...(prev?.notes ?? [])];
        let live: Live;
        if (prevChain === 'yes') live = 'no';
        else if (kw === 'else') live = prevChain === 'no' ? 'yes' : 'unknown';
        else {
          const cv = evalExpr(cond, text, scope);
          condNotes.push(...notesOf(cv));
          const t = truthy(cv);
          live = t === null ? 'unknown' : t ? (prevChain === 'no' ? 'yes' : 'unknown') : 'no';
        }
        const chain: Live =
          prevChain === 'yes' || live === 'yes'
            ? 'yes'
            : prevChain === 'unknown' || live === 'unknown'
              ? 'unknown'
              : 'no';
        const condText =
          kw === 'else'
            ? 'else'
            : `${kw} ${text.slice(cond[0]?.start ?? first.end, cond[cond.length - 1]?.end ?? first.end).trim()}`;
        block = {
          indent: ll.indent,
          live,
          kind: 'if',
          why: `\`${condText}\` (line ${ll.line})`,
          chain,
          notes: condNotes,
        };
        chains.delete(ll.indent);
      } else if (kw === 'for' || kw === 'while')
        block = {
          indent: ll.indent,
          live: 'unknown',
          kind: 'loop',
          why: `a \`${kw}\` loop (line ${ll.line})`,
        };
      else if (kw === 'except')
        block = {
          indent: ll.indent,
          live: 'unknown',
          kind: 'other',
          why: `an \`except\` branch (line ${ll.line})`,
        };
      else block = { indent: ll.indent, live: 'yes', kind: 'other', why: '' };
      stack.push(block);
      // A body on the same line (`if x: y = 1`) belongs to the block just opened.
      const rest = ll.toks.slice(colon + 1);
      if (rest.length && combine(stack) !== 'no' && !stack.some((b) => b.kind === 'def')) {
        statement(rest, ll, combine(stack));
      }
      continue;
    }
    if (outerLive === 'no' || stack.some((b) => b.kind === 'def')) continue;
    statement(ll.toks, ll, outerLive);
  }
  return { assignments, names, lines, errors };

  function statement(toks: Tok[], ll: LogicalLine, live: Live): void {
    for (const part of splitOn(toks, ';')) simple(part, ll, live);
  }

  function simple(toks: Tok[], ll: LogicalLine, live: Live): void {
    if (toks.length === 0) return;
    const head = toks[0]!.text;
    if (head === 'import' || head === 'from') return imports(toks, live);
    const eqs = toks
      .map((t, i) => (t.kind === 'op' && t.text === '=' ? i : -1))
      .filter((i) => i >= 0 && depthAt(toks, i) === 0);
    const aug = toks.findIndex(
      (t) => t.kind === 'op' && /^(\+|-|\*|\/|\/\/|%|\*\*|\||&|\^|<<|>>)=$/.test(t.text),
    );
    if (eqs.length === 0 && aug === -1) return;
    const valueFrom =
      (aug >= 0 && (eqs.length === 0 || aug < eqs[0]!) ? aug : eqs[eqs.length - 1]!) + 1;
    const valueToks = toks.slice(valueFrom);
    let value: Val = evalExpr(valueToks, text, scope);
    const targets: Tok[][] = [];
    if (aug >= 0 && (eqs.length === 0 || aug < eqs[0]!)) {
      const name = toks[0]!;
      if (toks.length > 2 && aug !== 1) return;
      const prev =
        names.get(name.text) ?? dyn(`\`${name.text}\` is not known before line ${ll.line}`);
      const opTok = toks[aug]!;
      const op = opTok.text.slice(0, -1);
      const synthetic = `${name.text} ${op} (${text.slice(valueToks[0]?.start ?? 0, valueToks[valueToks.length - 1]?.end ?? 0)})`;
      const lexed = pyLex(synthetic);
      value = evalExpr(lexed.lines[0]?.toks ?? [], synthetic, {
        lookup: (n) => (n === name.text ? prev : names.get(n)),
      });
      targets.push([name]);
    } else {
      let from = 0;
      for (const e of eqs) {
        targets.push(toks.slice(from, e));
        from = e + 1;
      }
    }
    const blockNotes = stack.flatMap((b) => b.notes ?? []);
    if (blockNotes.length)
      value = withNotes(
        value,
        blockNotes.map((n) => `branch chosen assuming ${n}`),
      );
    if (live === 'unknown') {
      const why = stack
        .filter((b) => b.live === 'unknown')
        .map((b) => b.why)
        .join(' and ');
      value = dyn(`assigned under ${why}`);
    }
    for (const target of targets) {
      // `name` or `name: annotation`
      const t0 = target[0];
      if (!t0 || t0.kind !== 'name') continue;
      if (target.length > 1 && target[1]!.text !== ':') {
        if (target.some((t) => t.text === ',')) {
          for (const t of target)
            if (t.kind === 'name') names.set(t.text, dyn(`tuple assignment on line ${ll.line}`));
        }
        continue;
      }
      names.set(t0.text, value);
      assignments.push({
        name: t0.text,
        value,
        line: ll.line,
        stmt: ll,
        valueStart: valueToks[0]?.start ?? ll.end,
        valueEnd: valueToks[valueToks.length - 1]?.end ?? ll.end,
        topLevel: stack.length === 0,
      });
    }
  }

  function imports(toks: Tok[], live: Live): void {
    const bind = (name: string, path: string) =>
      names.set(name, live === 'unknown' ? dyn(`imported conditionally`) : { t: 'ref', path });
    if (toks[0]!.text === 'import') {
      for (const part of splitOn(toks.slice(1), ',')) {
        const dotted = part.filter((t) => t.text !== 'as');
        const asIdx = part.findIndex((t) => t.text === 'as');
        const path = (asIdx >= 0 ? part.slice(0, asIdx) : part).map((t) => t.text).join('');
        if (asIdx >= 0) bind(part[asIdx + 1]?.text ?? path, path);
        else bind(dotted[0]?.text ?? path, dotted[0]?.text ?? path);
      }
      return;
    }
    const imp = toks.findIndex((t) => t.text === 'import');
    if (imp < 0) return;
    const mod = toks
      .slice(1, imp)
      .map((t) => t.text)
      .join('');
    for (const part of splitOn(
      toks.slice(imp + 1).filter((t) => t.text !== '(' && t.text !== ')'),
      ',',
    )) {
      const asIdx = part.findIndex((t) => t.text === 'as');
      const name = part[0]?.text;
      if (!name) continue;
      bind(asIdx >= 0 ? (part[asIdx + 1]?.text ?? name) : name, `${mod}.${name}`);
    }
  }
}

function combine(stack: readonly Block[]): Live {
  if (stack.some((b) => b.live === 'no')) return 'no';
  if (stack.some((b) => b.live === 'unknown')) return 'unknown';
  return 'yes';
}

function depthAt(toks: readonly Tok[], idx: number): number {
  let d = 0;
  for (let i = 0; i < idx; i++) {
    const t = toks[i]!.text;
    if (t === '(' || t === '[' || t === '{') d++;
    else if (t === ')' || t === ']' || t === '}') d--;
  }
  return d;
}

function topLevelColon(toks: readonly Tok[]): number {
  let d = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.text === '(' || t.text === '[' || t.text === '{') d++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') d--;
    else if (t.text === 'lambda') d += 100;
    else if (t.text === ':' && d >= 100) d -= 100;
    else if (t.text === ':' && d === 0) return i;
  }
  return toks.length - 1;
}

function splitOn(toks: readonly Tok[], sep: string): Tok[][] {
  const out: Tok[][] = [[]];
  let d = 0;
  for (const t of toks) {
    if (t.text === '(' || t.text === '[' || t.text === '{') d++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') d--;
    if (d === 0 && t.kind === 'op' && t.text === sep) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((p) => p.length > 0);
}

/** The assignments gunicorn itself reads (module-level names that are settings). */
export function settingAssignments(cfg: PyConfig): PyAssignment[] {
  return cfg.assignments.filter((a) => isGunicornSetting(a.name));
}

export function describe(v: Val): { value: string | null; dynamic?: string } {
  if (v.t === 'dyn') return { value: null, dynamic: v.why };
  if (v.t === 'ref') return { value: null, dynamic: `refers to ${v.path}` };
  const value = display(v);
  const notes = notesOf(v);
  if (value === null) return { value: null, dynamic: notes.join('; ') || 'None' };
  return notes.length ? { value, dynamic: notes.join('; ') } : { value };
}
