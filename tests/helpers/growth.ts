/**
 * Whether a function's running time grows faster than its input. Time per character is
 * measured at doubling sizes in the same run and compared as ratios, so a slow or busy machine
 * shifts every size alike and cannot fail the check; only the shape of the growth can.
 */

/** Repeats `unit` after `prefix` until the text is at least `size` characters, then `tail`. */
export function grown(prefix: string, unit: string, tail: string, size: number): string {
  const times = Math.max(1, Math.ceil((size - prefix.length) / Math.max(1, unit.length)));
  return prefix + unit.repeat(times) + tail;
}

/** Best time per character over a few batches, each long enough for the clock to see. */
function perChar(run: (text: string) => unknown, text: string): number {
  const started = performance.now();
  run(text);
  const once = Math.max(performance.now() - started, 0.001);
  const reps = Math.min(200, Math.max(1, Math.ceil(2 / once)));
  let best = Infinity;
  for (let batch = 0; batch < 3; batch++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run(text);
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best / text.length;
}

/** Time per character of one call: quick, for the climb that guards against explosions. */
function oncePerChar(run: (text: string) => unknown, text: string): number {
  const t0 = performance.now();
  run(text);
  return (performance.now() - t0) / text.length;
}

/**
 * Exponential backtracking hangs the test instead of failing it unless it is caught while
 * the input is still tiny: climb from 16 characters in steps of a quarter, and stop when a
 * character costs more than 8× what it did at 16 (checked twice, the second time carefully).
 */
function explodes(run: (text: string) => unknown, make: (size: number) => string): boolean {
  const base = perChar(run, make(16));
  for (let n = 20; n <= 1024; n = Math.ceil(n * 1.25)) {
    const text = make(n);
    if (oncePerChar(run, text) > base * 8 && perChar(run, text) > base * 8) return true;
  }
  return false;
}

/**
 * How much more each character costs at 4× `size` than at `size`: about 1 (or less: fixed
 * costs) when linear, about 4 when quadratic, Infinity when it explodes on small inputs.
 * A ratio that looks like growth is measured once more and the smaller kept, so one
 * descheduled batch cannot fail a test.
 */
export function growth(
  run: (text: string) => unknown,
  make: (size: number) => string,
  size: number,
): number {
  if (explodes(run, make)) return Infinity;
  const small = make(size);
  const large = make(size * 4);
  const ratio = () => perChar(run, large) / perChar(run, small);
  const first = ratio();
  return first < 2 ? first : Math.min(first, ratio());
}
