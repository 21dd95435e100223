/**
 * The directive names of one file as a trie, so the parser finds a name's id by stepping
 * through the trie as it reads the name's characters: one typed-array load per character, and
 * the name is then known exactly, with no hash to compute and no second pass to compare it with
 * a candidate (those were a third of the parser's time on a 12 MB config). Only names made of
 * ASCII letters, digits and `_` are kept, and at most MAX_NODES nodes: other names (and every
 * name of a file with thousands of distinct ones) are looked up by hash (table.ts).
 */

/** Each kept character's symbol, 1–63; 0 for characters names in the trie never hold. */
export const NAME_SYMBOL = new Uint8Array(128);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
for (let i = 0; i < ALPHABET.length; i++) NAME_SYMBOL[ALPHABET.charCodeAt(i)] = i + 1;

/** Children per node: one per symbol (slot 0 unused). */
export const FANOUT = 64;
const MAX_NODES = 4096;

export class NameTrie {
  /**
   * children[node * FANOUT + symbol] is the child node + 1, 0 when there is none. 16-bit (nodes
   * are capped well below 32767) so a trie of a few hundred names stays in the L1 cache.
   */
  children = new Int16Array(16 * FANOUT);
  /** ids[node] is the id of the name ending at that node + 1, 0 when none does. */
  private ids = new Int32Array(16);
  private nodes = 1; // the root, node 0

  /** The id of the name whose characters led from the root to `node`, -1 for none. */
  id(node: number): number {
    return (this.ids[node] as number) - 1;
  }

  /** Adds the name text[start, end) with its id, if it fits (see above). */
  add(text: string, start: number, end: number, id: number): void {
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128 || NAME_SYMBOL[c] === 0) return;
    }
    if (this.nodes + (end - start) > MAX_NODES) return;
    let node = 0;
    for (let i = start; i < end; i++) {
      const slot = node * FANOUT + (NAME_SYMBOL[text.charCodeAt(i)] as number);
      let child = (this.children[slot] as number) - 1;
      if (child < 0) {
        child = this.newNode();
        this.children[slot] = child + 1;
      }
      node = child;
    }
    this.ids[node] = id + 1;
  }

  private newNode(): number {
    if (this.nodes === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const children = new Int16Array(this.children.length * 2);
      children.set(this.children);
      this.children = children;
    }
    return this.nodes++;
  }
}
