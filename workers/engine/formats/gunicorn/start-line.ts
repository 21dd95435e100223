/**
 * Whether a text has a line that starts a program (`gunicorn …`, `uwsgi …`) after what may
 * come before it on that line: a YAML key (`command:`), `ExecStart=`, `CMD [`/`ENTRYPOINT`,
 * `exec`, environment assignments (`PORT=8000`), a path (`/usr/bin/`). Elsewhere — prose, a
 * comment — the word alone does not count.
 *
 * Read line by line, one prefix at a time, each step an anchored pattern with no nested
 * repetition: one regular expression for all of it backtracked exponentially on a line of
 * `a===b a===b …` (a pasted 134-byte line hung every CLI command).
 */
const PREFIX =
  /^(?:[\w-]+:[ \t]*|ExecStart=[-@!+:]*|(?:CMD|ENTRYPOINT)[ \t]+\[?[ \t]*"?|exec[ \t]+|[^\s=]+=\S*[ \t]+)/;
/** Prefixes one line may carry before the program, at most. */
const MAX_STEPS = 16;

export function startsProgram(text: string, program: RegExp): boolean {
  for (const raw of text.split('\n')) {
    let line = raw.trimStart();
    for (let step = 0; step < MAX_STEPS; step++) {
      const m = PREFIX.exec(line);
      if (!m) break;
      line = line.slice(m[0].length);
    }
    // The program word: a path before it, a quote or comma after it (`["gunicorn", …]`).
    const space = line.search(/\s/);
    const word = space < 0 ? line : line.slice(0, space);
    if (space < 0 && !/["',]$/.test(word)) continue;
    let end = word.length;
    while (end > 0 && `"',`.includes(word[end - 1]!)) end--;
    const name = word.slice(word.lastIndexOf('/') + 1, Math.max(end, word.lastIndexOf('/') + 1));
    if (program.test(name)) return true;
  }
  return false;
}
