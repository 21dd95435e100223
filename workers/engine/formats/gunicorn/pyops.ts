/**
 * Operators and built-in calls of the safe Python subset (see pyeval.ts): arithmetic,
 * comparisons, `%` formatting, attribute and subscript access, int()/str()/float()/bool()/
 * min()/max()/len()/round(), environment lookups with defaults, cpu_count(), and a few str
 * methods. Whatever is not known statically is dynamic, with the reason.
 */
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

const CPU = 'the CPU count of the machine it runs on';

export const BUILTINS = new Set([
  'int',
  'str',
  'float',
  'bool',
  'min',
  'max',
  'abs',
  'round',
  'len',
]);

export function parseNumber(text: string): Val {
  const s = text.replace(/_/g, '');
  if (/[jJ]$/.test(s)) return dyn('a complex number');
  if (/^0[xX]/.test(s)) return num(parseInt(s.slice(2), 16));
  if (/^0[oO]/.test(s)) return num(parseInt(s.slice(2), 8));
  if (/^0[bB]/.test(s)) return num(parseInt(s.slice(2), 2));
  return num(Number(s));
}

export function firstDyn(...vs: Val[]): Val | undefined {
  return vs.find((v) => v.t === 'dyn' || v.t === 'ref');
}
export function asDyn(v: Val, what: string): Val {
  return v.t === 'dyn' ? v : dyn(`unsupported ${what}`);
}
export function reason(v: Val): string {
  return v.t === 'dyn' ? v.why : 'an unknown value';
}

export function neg(v: Val): Val {
  if (v.t === 'num') return num(-v.v, v.notes);
  if (v.t === 'bool') return num(v.v ? -1 : 0, v.notes);
  return asDyn(v, 'unary -');
}

export function asNum(v: Val): number | null {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

export function binary(op: string, l: Val, r: Val): Val {
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

export function compareVals(op: string, l: Val, r: Val): Val {
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
    /%(?:\(([^)]*)\))?[-+ #0]*(?:[1-9]\d*)?(?:\.\d+)?([sdirfx%])/g,
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
export function attribute(v: Val, name: string): Val {
  if (v.t === 'ref') return { t: 'ref', path: `${v.path}.${name}` };
  if (v.t === 'str' || v.t === 'list') return { t: 'ref', path: `method.${name}`, self: v };
  if (v.t === 'dyn') return v;
  return dyn(`attribute .${name}`);
}

export function subscript(v: Val, idx: Val, text: string): Val {
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

export function call(fn: Val, args: Val[], kwargs: Record<string, Val>, text: string): Val {
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
            : /^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s);
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
