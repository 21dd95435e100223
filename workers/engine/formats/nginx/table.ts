import { NameTrie } from './name-trie.ts';

/**
 * What the parser records about each directive, as rows of one Int32Array. A 10 MB config has
 * 10^5–10^6 directives; one object each (plus a Block and a children array per block) made
 * garbage collection the largest cost of parsing. Rows cost 40 bytes each and no collector
 * work; directive.ts builds objects from them only for the rows a caller reaches. What can be
 * derived from a row's neighbours is not stored (see firstChild, nextSibling, close): filling
 * and reading memory is a good part of the parser's time.
 */

/** Column offsets within a row. Offsets are UTF-16 offsets into the text; lines 1-based. */
export const COL = {
  nameId: 0,
  start: 1,
  nameEnd: 2,
  /** The arguments' span: both nameEnd when there are none. */
  argsStart: 3,
  argsEnd: 4,
  /** Past `;` or `}`; past the arguments when unterminated; the text's end when never closed. */
  end: 5,
  line: 6,
  endLine: 7,
  /** Row of the enclosing block's directive, -1 at the top of the file. */
  parent: 8,
  /** Offset of `{`, or -1 when the directive has no block. */
  open: 9,
} as const;
const WIDTH = 10;
/** Files expected to hold fewer directives than this (~80 KB of config) intern by hash only. */
const TRIE_FROM_ROWS = 2048;

export class DirectiveTable {
  count = 0;
  rows: Int32Array;
  /** Distinct directive names; a row's nameId indexes this list. */
  readonly names: string[] = [];
  // Names are interned through a trie the parser walks as it reads (name-trie.ts), and an
  // open-addressing table of ids keyed by a hash of the text span for the names the trie does not
  // keep: the parser never allocates a string for a name it has seen (10^5 `proxy_set_header`s).
  // Building the trie costs more than it saves in a small file (most of them): those have none.
  readonly trie: NameTrie | null;
  private slots: Int32Array;
  // A fleet's dump is tens of thousands of small files: what most files never use (Lua bodies,
  // unclosed blocks) is made when first needed, and the name table starts small.
  /** Bodies of `*_by_lua_block`, by row. */
  private rawBodies: Map<number, string> | null = null;
  /** Rows of blocks the file ends inside (their end is the end of the text). */
  private unclosedRows: Set<number> | null = null;

  /**
   * A table (with a trie) that lives as long as the module. V8 compiles the parser's loop for
   * the hidden classes of a table and its trie; once every table has been collected a full GC
   * may drop those classes, and the next parse then deoptimizes and recompiles the loop
   * (measured on the 12 MB bench config: ~100 ms per parse when the previous tree had been
   * collected before it, ~66 ms with this).
   */
  static readonly keptAlive = new DirectiveTable(TRIE_FROM_ROWS);

  /** `expected` rows are reserved up front (the table grows when they run out). */
  constructor(expected: number) {
    this.rows = new Int32Array(Math.max(16, expected) * WIDTH);
    this.trie = expected >= TRIE_FROM_ROWS ? new NameTrie() : null;
    // Distinct names grow far slower than rows (a file of 12 directives has about 10).
    this.slots = new Int32Array(expected >= 64 ? 256 : 32).fill(-1);
  }

  raw(row: number): string | undefined {
    return this.rawBodies?.get(row);
  }

  setRaw(row: number, body: string): void {
    (this.rawBodies ??= new Map()).set(row, body);
  }

  setUnclosed(row: number): void {
    (this.unclosedRows ??= new Set()).add(row);
  }

  /** The id of the name spelled by text[start, end) (a plain word: no quotes, no escapes). */
  internSpan(text: string, start: number, end: number): number {
    const mask = this.slots.length - 1;
    for (let slot = spanHash(text, start, end) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] as number;
      if (id < 0) {
        const fresh = this.names.length;
        this.names.push(text.slice(start, end));
        this.trie?.add(text, start, end, fresh);
        this.slots[slot] = fresh;
        if (this.names.length * 2 > this.slots.length) this.rehash();
        return fresh;
      }
      const known = this.names[id] as string;
      if (known.length === end - start && sameText(known, text, start)) return id;
    }
  }

  /** The id of a name read from quotes or escapes (its value, not its text). */
  internValue(value: string): number {
    return this.internSpan(value, 0, value.length);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    this.names.forEach((name, id) => {
      let slot = spanHash(name, 0, name.length) & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    });
    this.slots = slots;
  }

  /** Appends a directive with no arguments or block yet, returns its row. */
  add(id: number, start: number, nameEnd: number, line: number, parent: number): number {
    if ((this.count + 1) * WIDTH > this.rows.length) {
      const grown = new Int32Array(Math.ceil((this.rows.length / WIDTH) * 1.5) * WIDTH);
      grown.set(this.rows);
      this.rows = grown;
    }
    const row = this.count++;
    const r = this.rows;
    const o = row * WIDTH;
    r[o + COL.nameId] = id;
    r[o + COL.start] = start;
    r[o + COL.nameEnd] = nameEnd;
    r[o + COL.argsStart] = nameEnd;
    r[o + COL.argsEnd] = nameEnd;
    r[o + COL.end] = nameEnd;
    r[o + COL.line] = line;
    r[o + COL.endLine] = line;
    r[o + COL.parent] = parent;
    r[o + COL.open] = -1;
    return row;
  }

  /** The first child row of a block: rows are numbered in document order, parents first. */
  firstChild(row: number): number {
    return row + 1 < this.count && this.get(row + 1, COL.parent) === row ? row + 1 : -1;
  }

  /** The row after this one in its block, -1 for none: the first to start past its end. */
  nextSibling(row: number): number {
    const end = this.get(row, COL.end);
    let lo = row + 1;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, COL.start) < end) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count && this.get(lo, COL.parent) === this.get(row, COL.parent) ? lo : -1;
  }

  /** Offset of a block's `}`, -1 when the directive has no block or the file ends first. */
  close(row: number): number {
    if (this.get(row, COL.open) < 0) return -1;
    if (this.unclosedRows?.has(row) === true) return -1;
    return this.get(row, COL.end) - 1;
  }

  get(row: number, col: number): number {
    return this.rows[row * WIDTH + col] as number;
  }

  set(row: number, col: number, value: number): void {
    this.rows[row * WIDTH + col] = value;
  }

  name(row: number): string {
    return this.names[this.get(row, COL.nameId)] as string;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of s[start, end). */
function spanHash(s: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function sameText(known: string, text: string, start: number): boolean {
  for (let i = 0; i < known.length; i++)
    if (known.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
