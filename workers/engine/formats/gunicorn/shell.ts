/**
 * Splits shell command lines into words with their source offsets (POSIX quoting,
 * backslash-newline continuation, comments, `&&`/`;`/`|` separators), and reads the JSON
 * exec form of Dockerfile CMD/ENTRYPOINT. Used to find gunicorn/uWSGI command lines in
 * Procfiles, Dockerfiles, systemd units, scripts and Kubernetes containers.
 */
import { baseName } from '../../strings.ts';

export interface Word {
  /** The word after quote removal. */
  value: string;
  /** Offsets of the word in the file. */
  start: number;
  end: number;
  /** Contains `$…` outside single quotes: its value is only known at run time. */
  expansion: boolean;
}

/**
 * Commands found in text[from, to): each a list of words. Offsets of quotes left open are
 * added to `problems` when given.
 */
export function shellCommands(
  text: string,
  from = 0,
  to = text.length,
  newlineEnds = true,
  problems?: number[],
): Word[][] {
  const cmds: Word[][] = [[]];
  let i = from;
  const push = (w: Word) => cmds[cmds.length - 1]!.push(w);
  const split = () => {
    if (cmds[cmds.length - 1]!.length) cmds.push([]);
  };
  while (i < to) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      if (newlineEnds) split();
      i++;
      continue;
    }
    if (c === '#') {
      while (i < to && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '`') {
      split();
      i++;
      continue;
    }
    // A word: runs until unquoted blank or operator.
    const start = i;
    let value = '';
    let expansion = false;
    while (i < to) {
      const d = text[i]!;
      if (
        d === ' ' ||
        d === '\t' ||
        d === '\n' ||
        d === '\r' ||
        d === ';' ||
        d === '&' ||
        d === '|' ||
        d === '(' ||
        d === ')' ||
        d === '`'
      )
        break;
      if (d === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          continue;
        }
        if (i + 1 < to) value += text[i + 1];
        i += 2;
        continue;
      }
      if (d === "'") {
        const e = text.indexOf("'", i + 1);
        if (e === -1 || e >= to) problems?.push(i);
        const end = e === -1 || e >= to ? to : e;
        value += text.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (d === '"') {
        const open = i;
        i++;
        while (i < to && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < to && '"\\$`\n'.includes(text[i + 1]!)) {
            if (text[i + 1] !== '\n') value += text[i + 1];
            i += 2;
            continue;
          }
          if (text[i] === '$') expansion = true;
          value += text[i];
          i++;
        }
        if (i >= to) problems?.push(open);
        i++;
        continue;
      }
      if (d === '$') expansion = true;
      value += d;
      i++;
    }
    push({ value, start, end: Math.min(i, to), expansion });
  }
  return cmds.filter((c) => c.length > 0);
}

/**
 * Dockerfile exec form: a JSON array of strings starting at `from`. Returns null when the
 * text there is not one (then the instruction is in shell form).
 */
export function jsonArrayWords(text: string, from: number, to: number): Word[] | null {
  let i = from;
  const skip = () => {
    while (i < to && /[ \t\r\n]/.test(text[i]!)) i++;
    if (text[i] === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' ? 3 : 2;
      skip();
    }
  };
  skip();
  if (text[i] !== '[') return null;
  i++;
  const words: Word[] = [];
  skip();
  if (text[i] === ']') return words;
  for (;;) {
    skip();
    if (text[i] !== '"') return null;
    const start = i;
    i++;
    let value = '';
    while (i < to && text[i] !== '"') {
      if (text[i] === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0);
          i += 6;
          continue;
        }
        value += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
        i += 2;
        continue;
      }
      value += text[i];
      i++;
    }
    if (i >= to) return null;
    i++;
    words.push({ value, start, end: i, expansion: false });
    skip();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ']') return words;
    return null;
  }
}

/** `sh -c "…"` and friends: the script argument, re-split into commands when it is a plain quoted word. */
export function innerScript(text: string, words: readonly Word[]): Word[][] | null {
  const prog = baseName(words[0]?.value ?? '');
  if (!['sh', 'bash', 'dash', 'ash', 'zsh'].includes(prog)) return null;
  const c = words.findIndex((w, i) => i > 0 && isShortFlagsWithC(w.value));
  const script = c >= 0 ? words[c + 1] : undefined;
  if (!script) return null;
  const raw = text.slice(script.start, script.end);
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.endsWith(q) && !raw.slice(1, -1).includes('\\')) {
    return shellCommands(text, script.start + 1, script.end - 1);
  }
  return null;
}

/** `-c`, `-ec`, `-lc`: a cluster of short flags of a shell that includes `c` (the script follows). */
export function isShortFlagsWithC(word: string): boolean {
  return /^-[a-z]+$/.test(word) && word.includes('c');
}

/** Is the word starting at `start` a JSON string in an exec-form list (`["gunicorn", …]`)? */
export function isJsonWord(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /[ \t]/.test(text[i]!)) i--;
  return text[start] === '"' && (text[i] === '[' || text[i] === ',');
}
