/**
 * Evaluates one Python expression from a gunicorn config without running anything:
 * literals, names bound earlier in the file, arithmetic, comparisons, `and`/`or`/`not`,
 * conditional expressions, f-strings and `%` formatting with known parts, int()/str()/
 * float()/bool()/min()/max(), `os.environ.get(…, default)` / `os.getenv`, and
 * `multiprocessing.cpu_count()`. Anything else is dynamic, with the reason.
 */
import { pyLex, stringValue, type Tok } from './pylex.ts';
import {
  bool,
  dyn,
  none,
  notesOf,
  num,
  pyStr,
  repr,
  str,
  truthy,
  withNotes,
  type Val,
} from './pyval.ts';

export interface Scope {
  lookup(name: string): Val | undefined;
}

const CPU = 'the CPU count of the machine it runs on';

/** Evaluates `toks` (one expression). `source` is the file text, for quoting the expression in reasons. */
export function evalExpr(toks: readonly Tok[], source: string, scope: Scope): Val {
  if (toks.length === 0) return dyn('empty expression');
  const p = new ExprParser(toks, source, scope);
  try {
    const v = p.expr();
    if (p.pos < toks.length) return dyn(`cannot evaluate \`${p.text(0, toks.length)}\``);
    return v;
  } catch {
    return dyn(`cannot evaluate \`${p.text(0, toks.length)}\``);
  }
}

class Unsupported extends Error {}

class ExprParser {
  pos = 0;
  depth = 0;
  constructor(
    readonly toks: readonly Tok[],
    readonly source: string,
    readonly scope: Scope,
  ) {}

  text(from: number, to: number): string {
    if (from >= to) return '';
    return this.source.slice(this.toks[from]!.start, this.toks[to - 1]!.end).replace(/\s+/g, ' ');
  }
  peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  isOp(s: string): boolean {
    const t = this.toks[this.pos];
    return t !== undefined && (t.kind === 'op' || t.kind === 'name') && t.text === s;
  }
  eat(s: string): boolean {
    if (this.isOp(s)) {
      this.pos++;
      return true;
    }
    return false;
  }
  expect(s: string): void {
    if (!this.eat(s)) throw new Unsupported(s);
  }

  expr(): Val {
    if (++this.depth > 200) throw new Unsupported('too deep');
    try {
      if (this.isOp('lambda')) throw new Unsupported('lambda');
      const from = this.pos;
      const v = this.or();
      if (this.isOp('if')) {
        this.pos++;
        const cond = this.or();
        this.expect('else');
        const alt = this.expr();
        const t = truthy(cond);
        if (t === null) return dyn(`\`${this.text(from, this.pos)}\` depends on ${reason(cond)}`);
        return withNotes(t ? v : alt, notesOf(cond));
      }
      return v;
    } finally {
      this.depth--;
    }
  }

  or(): Val {
    let l = this.and();
    while (this.eat('or')) {
      const r = this.and();
      const t = truthy(l);
      l =
        t === null
          ? l.t === 'dyn'
            ? l
            : dyn('`or` of an unknown value')
          : t
            ? l
            : withNotes(r, notesOf(l));
    }
    return l;
  }
  and(): Val {
    let l = this.not();
    while (this.eat('and')) {
      const r = this.not();
      const t = truthy(l);
      l =
        t === null
          ? l.t === 'dyn'
            ? l
            : dyn('`and` of an unknown value')
          : t
            ? withNotes(r, notesOf(l))
            : l;
    }
    return l;
  }
  not(): Val {
    if (this.eat('not')) {
      const v = this.not();
      const t = truthy(v);
      return t === null ? v : bool(!t, notesOf(v));
    }
    return this.compare();
  }
  compare(): Val {
    let l = this.arith(0);
    for (;;) {
      const t = this.peek();
      if (!t) return l;
      let op = t.text;
      if (op === 'not' && this.toks[this.pos + 1]?.text === 'in') {
        this.pos += 2;
        op = 'not in';
      } else if (op === 'is' && this.toks[this.pos + 1]?.text === 'not') {
        this.pos += 2;
        op = 'is not';
      } else if (
        ['==', '!=', '<', '>', '<=', '>=', 'in', 'is'].includes(op) &&
        (t.kind === 'op' || t.kind === 'name')
      ) {
        this.pos++;
      } else return l;
      const r = this.arith(0);
      l = compareVals(op, l, r);
    }
  }

  // Binary operators by precedence, lowest first.
  static LEVELS: string[][] = [
    ['|'],
    ['^'],
    ['&'],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '//', '%', '@'],
  ];
  arith(level: number): Val {
    if (level >= ExprParser.LEVELS.length) return this.unary();
    let l = this.arith(level + 1);
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'op' || !ExprParser.LEVELS[level]!.includes(t.text)) return l;
      this.pos++;
      const r = this.arith(level + 1);
      l = binary(t.text, l, r);
    }
  }
  unary(): Val {
    if (this.eat('-')) return neg(this.unary());
    if (this.eat('+')) return this.unary();
    if (this.eat('~')) {
      const v = this.unary();
      return v.t === 'num' ? num(~v.v, v.notes) : asDyn(v, '~');
    }
    return this.power();
  }
  power(): Val {
    const base = this.postfix();
    if (this.eat('**')) {
      const e = this.unary();
      if (base.t === 'num' && e.t === 'num') return num(base.v ** e.v, [...base.notes, ...e.notes]);
      return firstDyn(base, e) ?? dyn('unsupported **');
    }
    return base;
  }

  postfix(): Val {
    const from = this.pos;
    let v = this.atom();
    for (;;) {
      if (this.eat('.')) {
        const name = this.peek();
        if (!name || name.kind !== 'name') throw new Unsupported('attr');
        this.pos++;
        v = attribute(v, name.text);
      } else if (this.eat('(')) {
        const args: Val[] = [];
        const kwargs: Record<string, Val> = {};
        while (!this.eat(')')) {
          if (this.pos >= this.toks.length) throw new Unsupported('call');
          if (this.eat('*') || this.eat('**')) {
            this.expr();
            args.push(dyn('*args'));
          } else if (this.peek()?.kind === 'name' && this.toks[this.pos + 1]?.text === '=') {
            const k = this.peek()!.text;
            this.pos += 2;
            kwargs[k] = this.expr();
          } else args.push(this.expr());
          if (!this.eat(',')) {
            this.expect(')');
            break;
          }
        }
        v = call(v, args, kwargs, this.text(from, this.pos));
      } else if (this.eat('[')) {
        const idx = this.isOp(':') ? null : this.expr();
        if (this.isOp(':')) {
          while (!this.isOp(']') && this.pos < this.toks.length) this.pos++;
          this.expect(']');
          v = dyn(`slice \`${this.text(from, this.pos)}\``);
          continue;
        }
        this.expect(']');
        v = subscript(v, idx!, this.text(from, this.pos));
      } else return v;
    }
  }

  atom(): Val {
    const t = this.peek();
    if (!t) throw new Unsupported('eof');
    this.pos++;
    if (t.kind === 'number') return parseNumber(t.text);
    if (t.kind === 'string') {
      // Adjacent literals concatenate.
      let v = this.stringTok(t);
      while (this.peek()?.kind === 'string')
        v = binary('+', v, this.stringTok(this.toks[this.pos++]!));
      return v;
    }
    if (t.kind === 'name') {
      if (t.text === 'True') return bool(true);
      if (t.text === 'False') return bool(false);
      if (t.text === 'None') return none();
      const bound = this.scope.lookup(t.text);
      if (bound) return bound;
      if (BUILTINS.has(t.text)) return { t: 'ref', path: t.text };
      return dyn(`\`${t.text}\` is not known before this line`);
    }
    if (t.text === '(' || t.text === '[') {
      const close = t.text === '(' ? ')' : ']';
      const items: Val[] = [];
      let tuple = t.text === '[';
      while (!this.eat(close)) {
        if (this.pos >= this.toks.length) throw new Unsupported('bracket');
        items.push(this.expr());
        if (this.isOp('for')) throw new Unsupported('comprehension');
        if (this.eat(',')) tuple = true;
        else {
          this.expect(close);
          break;
        }
      }
      if (!tuple && items.length === 1) return items[0]!;
      return { t: 'list', items, notes: items.flatMap(notesOf) };
    }
    if (t.text === '{') {
      let d = 1;
      while (d > 0 && this.pos < this.toks.length) {
        const x = this.toks[this.pos++]!.text;
        if (x === '{' || x === '(' || x === '[') d++;
        if (x === '}' || x === ')' || x === ']') d--;
      }
      return dyn('a dict or set literal');
    }
    throw new Unsupported(t.text);
  }

  stringTok(t: Tok): Val {
    const { value, prefix } = stringValue(t);
    if (prefix.includes('b')) return dyn('a bytes literal');
    if (!prefix.includes('f')) return str(value);
    return fstring(
      prefix.includes('r')
        ? value
        : t.text
            .slice(t.text.search(/['"]/))
            .replace(/^('''|"""|'|")/, '')
            .replace(/('''|"""|'|")$/, ''),
      this.scope,
    );
  }
}

const BUILTINS = new Set(['int', 'str', 'float', 'bool', 'min', 'max', 'abs', 'round', 'len']);

function parseNumber(text: string): Val {
  const s = text.replace(/_/g, '');
  if (/[jJ]$/.test(s)) return dyn('a complex number');
  if (/^0[xX]/.test(s)) return num(parseInt(s.slice(2), 16));
  if (/^0[oO]/.test(s)) return num(parseInt(s.slice(2), 8));
  if (/^0[bB]/.test(s)) return num(parseInt(s.slice(2), 2));
  return num(Number(s));
}

function firstDyn(...vs: Val[]): Val | undefined {
  return vs.find((v) => v.t === 'dyn' || v.t === 'ref');
}
function asDyn(v: Val, what: string): Val {
  return v.t === 'dyn' ? v : dyn(`unsupported ${what}`);
}
function reason(v: Val): string {
  return v.t === 'dyn' ? v.why : 'an unknown value';
}

function neg(v: Val): Val {
  if (v.t === 'num') return num(-v.v, v.notes);
  if (v.t === 'bool') return num(v.v ? -1 : 0, v.notes);
  return asDyn(v, 'unary -');
}

function asNum(v: Val): number | null {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

function binary(op: string, l: Val, r: Val): Val {
  const d = firstDyn(l, r);
  if (d) return d.t === 'dyn' ? d : dyn(`unsupported ${op}`);
  const notes = [...notesOf(l), ...notesOf(r)];
  const a = asNum(l);
  const b = asNum(r);
  if (a !== null && b !== null) {
    switch (op) {
      case '+':
        return num(a + b, notes);
      case '-':
        return num(a - b, notes);
      case '*':
        return num(a * b, notes);
      case '/':
        return b === 0 ? dyn('division by zero') : num(a / b, notes);
      case '//':
        return b === 0 ? dyn('division by zero') : num(Math.floor(a / b), notes);
      case '%':
        return b === 0 ? dyn('division by zero') : num(((a % b) + b) % b, notes);
      case '|':
        return num(a | b, notes);
      case '&':
        return num(a & b, notes);
      case '^':
        return num(a ^ b, notes);
      case '<<':
        return num(a << b, notes);
      case '>>':
        return num(a >> b, notes);
    }
  }
  if (op === '+' && l.t === 'str' && r.t === 'str') return str(l.v + r.v, notes);
  if (op === '+' && l.t === 'list' && r.t === 'list')
    return { t: 'list', items: [...l.items, ...r.items], notes };
  if (op === '*' && l.t === 'str' && b !== null)
    return str(l.v.repeat(Math.max(0, Math.min(b, 10000))), notes);
  if (op === '%' && l.t === 'str') return percentFormat(l.v, r.t === 'list' ? r.items : [r], notes);
  return dyn(`unsupported ${op} on ${l.t} and ${r.t}`);
}

function compareVals(op: string, l: Val, r: Val): Val {
  const d = firstDyn(l, r);
  if (d) return d.t === 'dyn' ? d : dyn('comparison');
  const notes = [...notesOf(l), ...notesOf(r)];
  if (op === 'in' || op === 'not in') {
    let found: boolean | null = null;
    if (r.t === 'list') found = r.items.some((x) => pyStr(x) === pyStr(l) && x.t === l.t);
    else if (r.t === 'str' && l.t === 'str') found = r.v.includes(l.v);
    if (found === null) return dyn('membership test');
    return bool(op === 'in' ? found : !found, notes);
  }
  const a = asNum(l);
  const b = asNum(r);
  const eq = a !== null && b !== null ? a === b : l.t === r.t && pyStr(l) === pyStr(r);
  switch (op) {
    case '==':
    case 'is':
      return bool(eq, notes);
    case '!=':
    case 'is not':
      return bool(!eq, notes);
  }
  const x = a ?? (l.t === 'str' ? l.v : null);
  const y = b ?? (r.t === 'str' ? r.v : null);
  if (x === null || y === null || typeof x !== typeof y) return dyn('ordering comparison');
  const res = op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
  return bool(res, notes);
}

function percentFormat(fmt: string, args: Val[], notes: string[]): Val {
  let i = 0;
  let bad = false;
  const out = fmt.replace(
    /%(?:\(([^)]*)\))?[-+ #0]*\d*(?:\.\d+)?([sdirfx%])/g,
    (_all, key: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      if (key !== undefined) {
        bad = true;
        return '';
      }
      const a = args[i++];
      if (!a) {
        bad = true;
        return '';
      }
      const s =
        conv === 'r'
          ? repr(a)
          : conv === 'd' || conv === 'i'
            ? asNum(a) !== null
              ? String(Math.trunc(asNum(a)!))
              : null
            : pyStr(a);
      if (s === null) bad = true;
      return s ?? '';
    },
  );
  const d = firstDyn(...args);
  if (d) return d.t === 'dyn' ? d : dyn('% formatting');
  return bad ? dyn('% formatting') : str(out, [...notes, ...args.flatMap(notesOf)]);
}

/** f-string body (quotes stripped): `{expr}` parts evaluated in scope, `{{`/`}}` literal. */
function fstring(body: string, scope: Scope): Val {
  let out = '';
  const notes: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '{' && body[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (c === '}' && body[i + 1] === '}') {
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    let depth = 1;
    let j = i + 1;
    while (j < body.length && depth > 0) {
      if (body[j] === '{') depth++;
      else if (body[j] === '}') depth--;
      if (depth > 0) j++;
    }
    if (depth > 0) return dyn('unterminated f-string field');
    let inner = body.slice(i + 1, j);
    let conv = '';
    const spec = inner.match(/(![rsa])?(?::([^'"]*))?$/);
    if (spec && spec[0]) {
      conv = spec[1] ?? '';
      if (spec[2]) return dyn(`f-string format spec \`:${spec[2]}\``);
      inner = inner.slice(0, inner.length - spec[0].length);
    }
    const lexed = pyLex(inner);
    const toks = lexed.lines.flatMap((l) => l.toks);
    const v = evalExpr(toks, inner, scope);
    if (v.t === 'dyn') return dyn(`f-string part {${inner}}: ${v.why}`);
    const s = conv === '!r' ? repr(v) : pyStr(v);
    if (s === null) return dyn(`f-string part {${inner}}`);
    out += s;
    notes.push(...notesOf(v));
    i = j + 1;
  }
  return str(out, notes);
}

function attribute(v: Val, name: string): Val {
  if (v.t === 'ref') return { t: 'ref', path: `${v.path}.${name}` };
  if (v.t === 'str' || v.t === 'list') return { t: 'ref', path: `method.${name}`, self: v };
  if (v.t === 'dyn') return v;
  return dyn(`attribute .${name}`);
}

function subscript(v: Val, idx: Val, text: string): Val {
  if (v.t === 'ref' && v.path === 'os.environ') {
    return idx.t === 'str' ? dyn(`os.environ["${idx.v}"] is read when gunicorn starts`) : dyn(text);
  }
  if (v.t === 'list' && idx.t === 'num') {
    const i = idx.v < 0 ? v.items.length + idx.v : idx.v;
    const item = v.items[i];
    return item ? withNotes(item, v.notes) : dyn(`index out of range in \`${text}\``);
  }
  if (v.t === 'dyn') return v;
  return dyn(`\`${text}\``);
}

function envDefault(key: Val, def: Val | undefined, text: string): Val {
  if (key.t !== 'str')
    return dyn(`\`${text}\` reads an environment variable whose name is unknown`);
  if (def === undefined || def.t === 'none')
    return none([`$${key.v} from the environment (unset gives None)`]);
  if (def.t === 'dyn') return def;
  const shown = pyStr(def) ?? '?';
  return withNotes(def, [`$${key.v} from the environment, else ${shown}`]);
}

function call(fn: Val, args: Val[], kwargs: Record<string, Val>, text: string): Val {
  if (fn.t === 'dyn') return fn;
  if (fn.t !== 'ref') return dyn(`\`${text}\` calls a value that is not a function`);
  const a0 = args[0];
  switch (fn.path) {
    case 'os.getenv':
    case 'getenv':
    case 'os.environ.get':
    case 'environ.get':
      return a0 ? envDefault(a0, args[1] ?? kwargs.default, text) : dyn(text);
    case 'multiprocessing.cpu_count':
    case 'cpu_count':
    case 'os.cpu_count':
      return dyn(`\`${text}\` is ${CPU}`);
    case 'int':
    case 'float': {
      if (!a0) return num(0);
      if (a0.t === 'dyn' || a0.t === 'ref') return asDyn(a0, fn.path);
      if (a0.t === 'none')
        return a0.notes.length
          ? dyn(`${fn.path}() of ${a0.notes.join('; ')}`)
          : dyn(`${fn.path}(None) raises`);
      const n = asNum(a0);
      if (n !== null) return num(fn.path === 'int' ? Math.trunc(n) : n, notesOf(a0));
      if (a0.t === 'str') {
        const s = a0.v.trim().replace(/_/g, '');
        const ok =
          fn.path === 'int'
            ? /^[+-]?\d+$/.test(s)
            : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
        if (ok) return num(Number(s), a0.notes);
        return dyn(`${fn.path}(${repr(a0)}) raises`);
      }
      return dyn(`${fn.path}() of ${a0.t}`);
    }
    case 'str': {
      if (!a0) return str('');
      if (a0.t === 'dyn' || a0.t === 'ref') return asDyn(a0, 'str');
      const s = pyStr(a0);
      return s === null ? dyn('str()') : str(s, notesOf(a0));
    }
    case 'bool': {
      if (!a0) return bool(false);
      const t = truthy(a0);
      return t === null ? asDyn(a0, 'bool') : bool(t, notesOf(a0));
    }
    case 'abs':
      return a0?.t === 'num' ? num(Math.abs(a0.v), a0.notes) : asDyn(a0 ?? dyn('abs'), 'abs');
    case 'round':
      return a0?.t === 'num' && args.length === 1
        ? num(Math.round(a0.v), a0.notes)
        : dyn('round()');
    case 'len':
      if (a0?.t === 'str') return num(a0.v.length, a0.notes);
      if (a0?.t === 'list') return num(a0.items.length, a0.notes);
      return asDyn(a0 ?? dyn('len'), 'len');
    case 'min':
    case 'max': {
      const items = args.length === 1 && a0?.t === 'list' ? a0.items : args;
      const d = firstDyn(...items);
      if (d) return d.t === 'dyn' ? d : dyn(fn.path);
      const ns = items.map(asNum);
      if (ns.length === 0 || ns.some((x) => x === null)) return dyn(`${fn.path}() of non-numbers`);
      const v = fn.path === 'min' ? Math.min(...(ns as number[])) : Math.max(...(ns as number[]));
      return num(v, items.flatMap(notesOf));
    }
  }
  if (fn.path.startsWith('method.') && fn.self)
    return method(fn.path.slice(7), fn.self, args, text);
  return dyn(`\`${text}\` is computed by code we do not run`);
}

function method(name: string, self: Val, args: Val[], text: string): Val {
  if (self.t === 'str') {
    const notes = self.notes;
    switch (name) {
      case 'lower':
        return str(self.v.toLowerCase(), notes);
      case 'upper':
        return str(self.v.toUpperCase(), notes);
      case 'strip':
        return args.length === 0 ? str(self.v.trim(), notes) : dyn(text);
      case 'split': {
        const sep = args[0];
        if (sep && sep.t !== 'str') return dyn(text);
        const parts = sep ? self.v.split(sep.v) : self.v.trim().split(/\s+/).filter(Boolean);
        return { t: 'list', items: parts.map((p) => str(p)), notes };
      }
      case 'format': {
        let i = 0;
        let bad = false;
        const out = self.v.replace(/\{\{|\}\}|\{(\d*)\}/g, (m, idx: string | undefined) => {
          if (m === '{{') return '{';
          if (m === '}}') return '}';
          const a = args[idx ? Number(idx) : i++];
          const s = a ? pyStr(a) : null;
          if (s === null) bad = true;
          return s ?? '';
        });
        return bad
          ? (firstDyn(...args) ?? dyn(text))
          : str(out, [...notes, ...args.flatMap(notesOf)]);
      }
    }
  }
  return dyn(`\`${text}\``);
}
