/**
 * Values of timeout expressions in JavaScript, without running anything: number literals
 * (`65_000`, `65e3`), arithmetic (`65 * 1000`), and environment fallbacks
 * (`Number(process.env.KEEP_ALIVE) || 65000`, `parseInt(process.env.X ?? "65000", 10)`),
 * which give the fallback with a note. Anything else is dynamic.
 */

export function evalJsNumber(src: string): { value: string | null; dynamic?: string } {
  const s = src.trim();
  const arith = evalArith(s);
  if (arith !== null) return { value: String(arith) };
  const env = /process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"]([^'"]+)['"]\s*\])/.exec(s);
  if (env) {
    const name = env[1] ?? env[2]!;
    const fb = /(?:\|\||\?\?)\s*['"]?(\d[\d_.eE]*(?:\s*[*+\-/]\s*\d[\d_.eE]*)*)['"]?/.exec(
      s.slice(env.index),
    );
    const v = fb ? evalArith(fb[1]!.trim()) : null;
    if (v !== null)
      return { value: String(v), dynamic: `$${name} from the environment, else ${v}` };
    return { value: null, dynamic: `\`${s}\` reads $${name} at run time` };
  }
  return { value: null, dynamic: `\`${s.slice(0, 80)}\` is computed at run time` };
}

/** + - * / and parentheses over number literals; null when the text is anything else. */
export function evalArith(s: string): number | null {
  if (!/^[\d_.\s*+\-/()eE]+$/.test(s) || s.trim() === '') return null;
  let i = 0;
  const src = s.replace(/\s+/g, '');
  const num = (): number | null => {
    if (src[i] === '(') {
      i++;
      const v = add();
      if (src[i] !== ')') return null;
      i++;
      return v;
    }
    if (src[i] === '-') {
      i++;
      const v = num();
      return v === null ? null : -v;
    }
    const m = /^\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (!m) return null;
    i += m[0].length;
    return Number(m[0].replace(/_/g, ''));
  };
  const mul = (): number | null => {
    let l = num();
    while (l !== null && (src[i] === '*' || src[i] === '/')) {
      const op = src[i++];
      const r = num();
      if (r === null) return null;
      l = op === '*' ? l * r : r === 0 ? null : l / r;
    }
    return l;
  };
  const add = (): number | null => {
    let l = mul();
    while (l !== null && (src[i] === '+' || src[i] === '-')) {
      const op = src[i++];
      const r = mul();
      if (r === null) return null;
      l = op === '+' ? l + r : l - r;
    }
    return l;
  };
  const v = add();
  return v !== null && i === src.length && Number.isFinite(v) ? v : null;
}
