/**
 * String helpers the engine shares, written as plain string operations: the regular
 * expressions they replace went quadratic (or worse) on long runs of one character.
 */

/** The last segment of a path, `/` or `\\` separated: `sites-enabled/app.conf` → `app.conf`. */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** A line without its trailing ` # comment` and the blanks before it. */
export function withoutComment(line: string): string {
  const hash = line.search(/\s#/);
  return hash < 0 ? line : line.slice(0, hash).trimEnd();
}
