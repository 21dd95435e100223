/**
 * Values of the safe Python subset evaluated in gunicorn config files. A value is either
 * known (possibly with notes such as "$TIMEOUT from the environment, else 120") or dynamic:
 * it cannot be known without running the file on the target machine, and we say why
 * instead of guessing.
 */

export type Val =
  | { t: 'num'; v: number; notes: string[] }
  | { t: 'str'; v: string; notes: string[] }
  | { t: 'bool'; v: boolean; notes: string[] }
  | { t: 'none'; notes: string[] }
  | { t: 'list'; items: Val[]; notes: string[] }
  | { t: 'dyn'; why: string }
  /** A module, function or method we know how to call, e.g. "os.getenv". */
  | { t: 'ref'; path: string; self?: Val };

export const dyn = (why: string): Val => ({ t: 'dyn', why });
export const num = (v: number, notes: string[] = []): Val => ({ t: 'num', v, notes });
export const str = (v: string, notes: string[] = []): Val => ({ t: 'str', v, notes });
export const bool = (v: boolean, notes: string[] = []): Val => ({ t: 'bool', v, notes });
export const none = (notes: string[] = []): Val => ({ t: 'none', notes });

export function notesOf(v: Val): string[] {
  return 'notes' in v ? v.notes : [];
}

/** Returns `v` with extra notes (merged, de-duplicated). */
export function withNotes(v: Val, extra: string[]): Val {
  if (!('notes' in v) || extra.length === 0) return v;
  const notes = [...v.notes];
  for (const n of extra) if (!notes.includes(n)) notes.push(n);
  return { ...v, notes };
}

/** Python truthiness, or null when unknown. */
export function truthy(v: Val): boolean | null {
  switch (v.t) {
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'list':
      return v.items.length > 0;
    default:
      return null;
  }
}

/** How the value prints in a Setting: Python's str() for scalars, lists comma-separated. */
export function display(v: Val): string | null {
  switch (v.t) {
    case 'num':
      return Number.isInteger(v.v) ? String(v.v) : String(v.v);
    case 'str':
      return v.v;
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'none':
      return null;
    case 'list': {
      const parts = v.items.map(display);
      return parts.some((p) => p === null) ? null : parts.join(', ');
    }
    default:
      return null;
  }
}

/** Python repr(), used by str() of lists and by f-string `!r`. */
export function repr(v: Val): string | null {
  switch (v.t) {
    case 'str':
      return `'${v.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const parts = v.items.map(repr);
      return parts.some((p) => p === null) ? null : `[${parts.join(', ')}]`;
    }
    default:
      return pyStr(v);
  }
}

/** Python str(). */
export function pyStr(v: Val): string | null {
  switch (v.t) {
    case 'num':
      return Number.isInteger(v.v) && !Object.is(v.v, -0) ? String(v.v) : String(v.v);
    case 'str':
      return v.v;
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return repr(v);
    default:
      return null;
  }
}
