/**
 * The first pass over a paste: the separators people put between inputs. Markdown fences
 * (with a caption line before them or a name in the info string), shell prompts and the
 * output that follows them, `==> FILE <==`, `--- FILE ---` banners, `nginx -T` markers and
 * `> ` quotes. What lies between separators is a region: its lines, with what the
 * separators said about it (a name, a kind). Separator lines belong to no region.
 */
import { caption } from './caption.ts';
import { fenceHint, type Hint } from './hints.ts';
import { isBlank, tripleQuotes } from './lines.ts';
import { banner, dumpMarker, isNginxTestLine, promptCommand, tailBanner } from './prompt.ts';

/** A line of the paste as a region sees it: its index and its text without quote marks. */
export interface LineRef {
  /** 0-based line in the paste. */
  index: number;
  text: string;
}

export interface Region {
  lines: LineRef[];
  hint: Hint;
  /** Inside a code fence: the fence decides where it ends, not its content. */
  fenced: boolean;
  /**
   * A fence, a command or a marker says where the region starts: blank lines at its top are
   * the file's own (`nginx -T` of a file that starts with an empty line).
   */
  exact?: boolean;
  /**
   * Blank lines at its end: the file's own (`keep`: up to the next prompt or fence), all but
   * the one the printing program added (`one`: `nginx -T`, `tail` of several files), or gaps.
   */
  tail?: 'keep' | 'one';
}

const FENCE = /^([ \t]*)(`{3,}|~{3,}(?!~))([^`]*)$/;
const QUOTE = /^\s{0,3}> ?/;

export function scan(lines: readonly LineRef[], outer: Hint = {}): Region[] {
  const regions: Region[] = [];
  let free: LineRef[] = [];
  let hint: Hint = outer;
  let exact = false;
  let tail: Region['tail'];
  // Brace depth of the free lines: inside an nginx block a comment naming a file is a comment;
  // likewise a line inside a Python docstring.
  let depth = 0;
  let quotes = 0;
  const flush = () => {
    if (free.some((l) => !isBlank(l.text)))
      regions.push({ lines: free, hint, fenced: false, ...(exact ? { exact, tail } : {}) });
    free = [];
    hint = {};
    exact = false;
    tail = undefined;
    depth = 0;
    quotes = 0;
  };
  const add = (line: LineRef) => {
    free.push(line);
    depth = Math.max(0, depth + braceDelta(line.text));
    quotes += tripleQuotes(line.text);
  };
  /**
   * A caption just above (at most one blank line between) names what follows. A caption that
   * is a comment (`# /etc/nginx/conf.d/app.conf`) stays in what it names: it is the file's own
   * first line.
   */
  let kept: LineRef | null = null;
  const takeCaption = (beforeFence: boolean): Hint | null => {
    let k = free.length - 1;
    if (k >= 0 && isBlank(free[k]!.text)) k--;
    if (k < 0) return null;
    const prev = free[k - 1];
    if (prev && !isBlank(prev.text) && !beforeFence) return null;
    const found = /^\s/.test(free[k]!.text) ? null : caption(free[k]!.text, beforeFence);
    // Before a fence, a caption that names nothing is prose; elsewhere it still separates.
    if (!found || (beforeFence && !found.name && !found.lean)) return null;
    kept = !beforeFence && /^#/.test(free[k]!.text) ? free[k]! : null;
    free = free.slice(0, k);
    return found;
  };

  let i = 0;
  while (i < lines.length) {
    const { text } = lines[i]!;
    // A run of `> ` quoted lines: read what is inside the quotes the same way.
    if (QUOTE.test(text) && !/^\s*>\s*$/.test(text)) {
      let j = i;
      while (j < lines.length && (QUOTE.test(lines[j]!.text) || /^\s*>\s*$/.test(lines[j]!.text)))
        j++;
      if (j - i >= 2) {
        flush();
        const inner = lines
          .slice(i, j)
          .map((l) => ({ index: l.index, text: l.text.replace(/^\s{0,3}>\s?/, '') }));
        regions.push(...scan(inner));
        i = j;
        continue;
      }
    }
    const fence = FENCE.exec(text);
    if (fence) {
      const [, indent, marks, info] = fence as unknown as [string, string, string, string];
      const named = takeCaption(true);
      flush();
      let j = i + 1;
      const close = new RegExp(`^\\s*${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`);
      while (j < lines.length && !close.test(lines[j]!.text)) j++;
      const body = lines.slice(i + 1, j).map((l) => ({
        index: l.index,
        text: l.text.startsWith(indent) ? l.text.slice(indent.length) : l.text.trimStart(),
      }));
      const own = fenceHint(info);
      const merged: Hint = { ...own, ...(named ?? {}), ...(own.name ? { name: own.name } : {}) };
      if (own.kind) merged.kind = own.kind;
      if (merged.transcript || (!merged.kind && !merged.lean)) {
        // A console session or an unlabelled fence: its own prompts and content decide.
        regions.push(...scan(body, { ...merged, transcript: false }));
      } else if (body.length > 0)
        regions.push({ lines: body, hint: merged, fenced: true, exact: true, tail: 'keep' });
      i = j + 1;
      continue;
    }
    const command = promptCommand(text);
    if (command) {
      flush();
      if (command.launch) {
        regions.push({
          lines: [{ index: lines[i]!.index, text: command.command }],
          hint: {},
          fenced: true,
        });
        hint = { lean: 'log' };
      } else {
        const { command: _typed, launch: _launch, ...rest } = command;
        hint = rest;
        exact = true;
        tail = 'keep';
      }
      i++;
      continue;
    }
    // Inside an open nginx block a banner-like line is a comment.
    const printed = dumpMarker(text) ?? tailBanner(text);
    const marker = printed ?? (depth === 0 && quotes % 2 === 0 ? banner(text) : null);
    if (marker) {
      flush();
      hint = marker;
      exact = true;
      // nginx -T and tail print one empty line after each file; a banner's gaps are the user's.
      tail = printed ? 'one' : undefined;
      i++;
      continue;
    }
    if (isNginxTestLine(text)) {
      i++;
      continue;
    }
    // "nginx.conf:" or "And the error log:" on its own, right before what it names — or one
    // blank line above it, when it ends with its colon. (Right before a fence, the fence takes
    // its caption itself.)
    const gap = isBlank(lines[i + 1]?.text ?? 'x') && /:\s*$/.test(text) ? 1 : 0;
    const next = lines[i + 1 + gap]?.text;
    const inside = depth > 0 || quotes % 2 === 1;
    if (!inside && !isBlank(text) && next !== undefined && !isBlank(next) && !FENCE.test(next)) {
      add(lines[i]!);
      const named = takeCaption(false);
      if (named) {
        // Right after a fence's caption or a command, the name they gave wins.
        const outerName = free.some((l) => !isBlank(l.text)) ? undefined : hint.name;
        flush();
        hint = outerName ? { ...named, name: outerName } : named;
        if (kept) add(kept);
      }
      i++;
      continue;
    }
    add(lines[i]!);
    i++;
  }
  flush();
  return regions;
}

/**
 * Brackets a line opens minus those it closes, outside quotes and the `#` comment: `{` and `}`
 * by default (enough to know whether an nginx block is open), or any set (`([{` for Python).
 */
export function braceDelta(line: string, opens = '{', closes = '}'): number {
  let delta = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if (opens.includes(c)) delta++;
    else if (closes.includes(c)) delta--;
  }
  return delta;
}
