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
import {
  BUILTINS,
  asDyn,
  attribute,
  binary,
  call,
  compareVals,
  firstDyn,
  neg,
  parseNumber,
  reason,
  subscript,
} from './pyops.ts';

export interface Scope {
  lookup(name: string): Val | undefined;
}

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
    // Quoted in reasons: keep it short whatever the input.
    const start = this.toks[from]!.start;
    const end = this.toks[to - 1]!.end;
    const s = this.source.slice(start, Math.min(end, start + 120)).replace(/\s+/g, ' ');
    return end - start > 120 ? `${s.slice(0, 100)}…` : s;
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
    const spec = conversionAndSpec(inner);
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

/**
 * The `!r` conversion and `:spec` at the end of an f-string field (`x!r:>10`), as a match-like
 * array ([whole, conversion, spec]); read from the last `:` and `!` rather than by a search
 * that retried from every position.
 */
function conversionAndSpec(field: string): [string, string | undefined, string | undefined] | null {
  const colon = field.lastIndexOf(':');
  const spec =
    colon >= 0 && !/['"]/.test(field.slice(colon + 1)) ? field.slice(colon + 1) : undefined;
  const head = spec !== undefined ? field.slice(0, colon) : field;
  const conv = /![rsa]$/.test(head) ? head.slice(-2) : undefined;
  const whole = (conv ?? '') + (spec !== undefined ? `:${spec}` : '');
  return [whole, conv, spec];
}
