/**
 * The app server's program in a launch: which word runs it (past wrappers such as `exec`,
 * `env`, `python -m`), where a launch runs it, and where a running server's command is written.
 */
import type { Launch } from './launch.ts';
import { isJsonWord, type Word } from './shell.ts';
import { baseName } from '../../strings.ts';

/**
 * The index of the program among `words` (skipping `exec`, `env A=b`, wrappers such as
 * `python -m`, `poetry run`, `ddtrace-run`), when `isProgram` accepts it; -1 otherwise.
 */
export function findProgram(words: readonly Word[], isProgram: (base: string) => boolean): number {
  for (let i = 0; i < words.length; i++) {
    const v = words[i]!.value;
    if (isProgram(baseName(v))) return i;
    if (
      /^python[\d.]*$/.test(baseName(v)) &&
      words[i + 1]?.value === '-m' &&
      words[i + 2] &&
      isProgram(words[i + 2]!.value)
    )
      return i + 2;
  }
  return -1;
}

/**
 * Where a launch runs its program (the word at `at`): its origin and process, where new
 * options go (after that word), and whether its words are an exec-form JSON list.
 */
export function programSite(
  text: string,
  l: Launch,
  at: number,
): { origin: string; unit?: string; insertAt: number; json: boolean } {
  return {
    origin: l.origin,
    unit: l.unit,
    insertAt: l.words[at]!.end,
    json: isJsonWord(text, l.words[at]!.start),
  };
}

/** Where an app server's command is written (an offset inside it), and the process it is. */
export interface Launched {
  file: string;
  at: number;
  /** Launch.unit: set where the file starts several processes. */
  process?: string;
}
