import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff over the changed files that `git apply` and `patch -p1` accept when run in a
 * directory holding the originals under the same names (hence the a/ and b/ prefixes).
 */
export function unifiedPatch(changes: { name: string; before: string; after: string }[]): string {
  return changes
    .filter((change) => change.before !== change.after)
    .map((change) => {
      const name = change.name.replace(/^\/+/, '');
      // Without this header line `diff` prints an "Index:" preamble and a "===" rule, which
      // git apply tolerates but which readers of the patch do not need.
      return createTwoFilesPatch(`a/${name}`, `b/${name}`, change.before, change.after, '', '', {
        headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
      });
    })
    .join('');
}
