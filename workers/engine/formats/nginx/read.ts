/**
 * The parser's reading of the text: directives into rows (table.ts), names through the name
 * trie, placement checked as each directive ends, located errors. parse.ts builds the file from
 * what this records.
 */
import { allowedIn, checkAllowed, contextName } from './placement.ts';
import { isLuaBlock, luaBodyEnd, LUA_BLOCK } from './lua.ts';
import { FANOUT, NAME_SYMBOL } from './name-trie.ts';
import {
  byteOrderMark,
  commentEnd,
  isTemplateTrivia,
  scanned,
  spaceEnd,
  templateEnd,
  WORD_SPECIAL,
  wordEnd,
  wordValue,
  type Report,
} from './scan.ts';
import { COL, type DirectiveTable } from './table.ts';

/** Deepest block nesting parsed (nginx configs rarely pass 6). */
const MAX_DEPTH = 64;
/** `{2}`, `{2,}`, `{2,4}` right after an argument: a regex quantifier nginx takes for a block. */
const QUANTIFIER = /^\{\d+(,\d*)?\}/;
const NO_CHILDREN = new Int16Array(0);

interface Frame {
  /** The block's directive row; -1 for the top of the file (and anonymous blocks there). */
  row: number;
  /** A `{` with no directive before it: its children go to the enclosing block. */
  anonymous: boolean;
  context: string;
  /** Line of the `{`. */
  line: number;
}

/**
 * The parser's one pass over the text; returns the line the text ends on. Tokens are recognised with the lexer's scanners but not
 * stored: each directive's row (table.ts) is written as its name, arguments and `;` or block
 * are read. Reading the text once, without a token array in between, is what keeps a 10 MB
 * config within a few times JSON.parse (bench/nginx-parse.ts).
 */
export function readDirectives(t: string, table: DirectiveTable, error: Report): number {
  const n = t.length;
  const stack: Frame[] = [{ row: -1, anonymous: false, context: 'main', line: 1 }];
  let frame = stack[0] as Frame;
  let p = 0;
  let line = 1;
  // The directive being read (-1 between directives), its name and line, and the span of its
  // arguments so far (argsStart -1 while it has none).
  let row = -1;
  let dName = '';
  let dLine = 0;
  let argsStart = -1;
  let argsEnd = -1;
  let argsEndLine = 0;
  let dId = -1;
  // Placement rules (placement.ts) by name id and block-ness, looked up once per distinct name.
  const rules: (readonly string[] | null)[] = [];
  // Inside a block nested deeper than MAX_DEPTH: how many `{` are open there (that block's own
  // included); 0 when not skipping. Skipped text is still scanned (quotes, Lua bodies) so its
  // braces are matched as nginx would; its statement names are kept for spotting Lua blocks.
  let skip = 0;
  let skipName = -1;
  let skipNameEnd = -1;

  while (p < n) {
    const c = t.charCodeAt(p);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      p = spaceEnd(t, p, n);
      line += scanned.lines;
      continue;
    }
    if (c === 35) {
      p = commentEnd(t, p, n);
      continue;
    }
    if (c === 59) {
      p++;
      if (skip > 0) skipName = -1;
      else if (row < 0) error(line, 'unexpected ";" (no directive before it)');
      else {
        endArgs(table, row, argsStart, argsEnd, argsEndLine);
        checkPlacement(rules, dId, dName, false, dLine, frame, error);
        table.set(row, COL.end, p);
        table.set(row, COL.endLine, line);
        row = -1;
      }
      continue;
    }
    if (c === 123) {
      const e = templateEnd(t, p, n);
      if (e >= 0 && isTemplateTrivia(t, p)) {
        p = e;
        continue;
      }
      if (e < 0) {
        const open = p++;
        if (skip > 0) {
          skip++;
          if (skipName >= 0 && isLuaBlock(t, skipName, skipNameEnd)) {
            p = luaBodyEnd(t, p, n);
            line += scanned.lines;
          }
          skipName = -1;
        } else if (row < 0) {
          error(line, 'unexpected "{" (no directive before it)');
          frame = { row: frame.row, anonymous: true, context: frame.context, line };
          stack.push(frame);
          if (stack.length > MAX_DEPTH) skip = tooDeep(line, error);
        } else {
          endArgs(table, row, argsStart, argsEnd, argsEndLine);
          checkPlacement(rules, dId, dName, true, dLine, frame, error);
          if (table.get(row, COL.argsEnd) === open) {
            const quantifier = QUANTIFIER.exec(t.slice(open, open + 12));
            if (quantifier)
              error(
                dLine,
                `the regex quantifier "${quantifier[0]}" is read by nginx as the start of a block: put the regex in quotes`,
              );
          }
          table.set(row, COL.open, open);
          frame = { row, anonymous: false, context: contextName(dName), line };
          stack.push(frame);
          if (dName.endsWith(LUA_BLOCK)) {
            // The body is Lua, kept verbatim up to its matching `}`.
            const body = p;
            p = luaBodyEnd(t, p, n);
            line += scanned.lines;
            table.setRaw(row, t.slice(body, p));
          } else if (stack.length > MAX_DEPTH) skip = tooDeep(line, error);
          row = -1;
        }
        continue;
      }
      // `{{ … }}` where a token could start: a word (below).
    }
    if (c === 125) {
      p++;
      if (skip > 1) {
        skip--;
        skipName = -1;
        continue;
      }
      // Closes the block being skipped, if any, like any other.
      skip = 0;
      if (row >= 0) {
        endArgs(table, row, argsStart, argsEnd, argsEndLine);
        checkPlacement(rules, dId, dName, false, dLine, frame, error);
        error(dLine, `"${dName}" is not terminated by ";" before the "}" on line ${line}`);
        row = -1;
      }
      if (stack.length === 1) error(line, 'unexpected "}" (no block is open here)');
      else {
        const closed = stack.pop() as Frame;
        if (!closed.anonymous) {
          table.set(closed.row, COL.end, p);
          table.set(closed.row, COL.endLine, line);
        }
        frame = stack[stack.length - 1] as Frame;
      }
      continue;
    }
    if (c === 0xfeff && p === 0) {
      byteOrderMark(error);
      p++;
      continue;
    }
    // A word: a directive's name, one of its arguments, or skipped.
    const s = p;
    const wordLine = line;
    if (row >= 0 || skip > 0) {
      p = wordEnd(t, p, n, line, error);
      line += scanned.lines;
      if (row >= 0) {
        if (argsStart < 0) argsStart = s;
        argsEnd = p;
        argsEndLine = line;
      } else if (skipName < 0) {
        skipName = s;
        skipNameEnd = p;
      }
      continue;
    }
    // A directive's name.
    p = readName(t, p, n, line, table, error);
    line += scanned.lines;
    dId = named.id;
    dName = table.names[dId] as string;
    dLine = wordLine;
    row = table.add(dId, s, p, dLine, frame.row);
    argsStart = -1;
  }
  if (row >= 0) {
    endArgs(table, row, argsStart, argsEnd, argsEndLine);
    checkPlacement(rules, dId, dName, false, dLine, frame, error);
    error(dLine, `unexpected end of file: "${dName}" is not terminated by ";"`);
  }
  for (let f = stack.length - 1; f > 0; f--) {
    const frame = stack[f] as Frame;
    const row = frame.row;
    const what = frame.anonymous ? 'block' : `"${table.name(row)}" block`;
    error(
      frame.line,
      `unexpected end of file: the ${what} opened on line ${frame.line} is never closed (expecting "}")`,
    );
    if (!frame.anonymous) {
      table.set(row, COL.end, n);
      table.set(row, COL.endLine, line);
      table.setUnclosed(row);
    }
  }
  return line;
}

/** The id of the name readName read last (an object field, so no object is made per name). */
const named = { id: -1 };

/**
 * Reads the directive name starting at p, interns it, and returns where it ends; its id is left
 * in `named.id` and its line feeds in `scanned.lines`. Almost every name is a plain word of
 * letters, digits and `_`: it is found in the trie of names (name-trie.ts) by stepping through
 * the trie as the name is read (node -1: not there), else by hash (table.ts).
 */
function readName(
  t: string,
  p: number,
  n: number,
  line: number,
  table: DirectiveTable,
  error: Report,
): number {
  const trie = table.trie;
  const children = trie ? trie.children : NO_CHILDREN;
  let node = trie ? 0 : -1;
  let q = p;
  while (q < n) {
    const d = t.charCodeAt(q);
    if (d < 128) {
      const symbol = NAME_SYMBOL[d] as number;
      if (symbol !== 0) {
        if (node >= 0) node = (children[node * FANOUT + symbol] as number) - 1;
        q++;
        continue;
      }
      if (WORD_SPECIAL[d] === 1) break;
    }
    node = -1;
    q++;
  }
  const c = t.charCodeAt(p);
  const d = q < n ? t.charCodeAt(q) : 32;
  const plain =
    q > p &&
    c !== 34 &&
    c !== 39 &&
    (d === 32 ||
      d === 10 ||
      d === 9 ||
      d === 13 ||
      d === 59 ||
      (d === 123 && templateEnd(t, q, n) < 0));
  if (plain) {
    const id = trie && node >= 0 ? trie.id(node) : -1;
    named.id = id >= 0 ? id : table.internSpan(t, p, q);
    scanned.lines = 0;
    return q;
  }
  // Quoted, escaped, `${…}` or a template placeholder: read as an argument would be.
  const end = wordEnd(t, p, n, line, error);
  named.id = scanned.escaped
    ? table.internValue(wordValue(t, p, end))
    : table.internSpan(t, p, end);
  return end;
}

// The helpers below take what they need as arguments: a closure over the loop's variables would
// move them from registers into a heap context, which made the loop slower than two passes.

/** Reports a directive nested where nginx would refuse it (see placement.ts). */
function checkPlacement(
  rules: (readonly string[] | null)[],
  id: number,
  name: string,
  isBlock: boolean,
  line: number,
  frame: Frame,
  error: Report,
): void {
  if (frame.row < 0) return; // the top level: checkTop, once the whole file is read
  const k = id * 2 + (isBlock ? 1 : 0);
  let allowed = rules[k];
  if (allowed === undefined) allowed = rules[k] = allowedIn(name, isBlock);
  if (allowed !== null) checkAllowed(name, allowed, line, frame.context, error);
}

/** A directive's arguments end it, unless a `;` or `{` follows. */
function endArgs(
  table: DirectiveTable,
  row: number,
  argsStart: number,
  argsEnd: number,
  argsEndLine: number,
): void {
  if (argsStart < 0) return;
  table.set(row, COL.argsStart, argsStart);
  table.set(row, COL.argsEnd, argsEnd);
  table.set(row, COL.end, argsEnd);
  table.set(row, COL.endLine, argsEndLine);
}

/**
 * Real configs nest a handful of blocks; past MAX_DEPTH a block's body is skipped (braces still
 * matched, so the rest of the file parses) and reported. This keeps adversarial input such as
 * 1 MB of `a {` cheap. Returns the skip depth to start with.
 */
function tooDeep(line: number, error: Report): number {
  error(line, `blocks nested more than ${MAX_DEPTH} deep: the body of this one is not parsed`);
  return 1;
}
