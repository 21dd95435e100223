/**
 * The body of a `*_by_lua_block { … }` is Lua, not nginx syntax: it is read as one raw piece up to
 * the `}` that matches its `{`, skipping Lua strings, long brackets and comments.
 */
import { scanned, wordValue } from './scan.ts';

export const LUA_BLOCK = '_by_lua_block';

/** Whether the statement named by text[nameStart, nameEnd) is a `*_by_lua_block` (its body is Lua). */
export function isLuaBlock(t: string, nameStart: number, nameEnd: number): boolean {
  if (nameEnd - nameStart < LUA_BLOCK.length) return false;
  if (t.startsWith(LUA_BLOCK, nameEnd - LUA_BLOCK.length)) return true;
  // A quoted or escaped name: compare what nginx would read.
  return (
    t.lastIndexOf(LUA_BLOCK, nameEnd) >= nameStart &&
    wordValue(t, nameStart, nameEnd).endsWith(LUA_BLOCK)
  );
}

/**
 * Where the body of a `*_by_lua_block {` starting at p ends: at its matching `}` (skipping Lua
 * strings, long brackets and comments), or at n. Sets `scanned.lines` to the body's line feeds.
 */
export function luaBodyEnd(t: string, start: number, n: number): number {
  let p = start;
  let depth = 0;
  while (p < n) {
    const c = t.charCodeAt(p);
    if (c === 123) {
      depth++;
      p++;
    } else if (c === 125) {
      if (depth === 0) break;
      depth--;
      p++;
    } else if (c === 34 || c === 39) {
      p++;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 92) p += 2;
        else if (d === c || d === 10) break;
        else p++;
      }
      if (p < n && t.charCodeAt(p) === c) p++;
    } else if (c === 45 && t.charCodeAt(p + 1) === 45) {
      const long = longBracket(t, p + 2);
      p = long >= 0 ? skipLong(t, p + 2, long) : lineEnd(t, p);
    } else if (c === 91) {
      const long = longBracket(t, p);
      p = long >= 0 ? skipLong(t, p, long) : p + 1;
    } else p++;
  }
  const end = Math.min(p, n);
  let lines = 0;
  for (let i = start; i < end; i++) if (t.charCodeAt(i) === 10) lines++;
  scanned.lines = lines;
  return end;
}

/** The level of a Lua long bracket opening at p (`[[` is 0, `[=[` is 1), or -1. */
function longBracket(t: string, p: number): number {
  if (t.charCodeAt(p) !== 91) return -1;
  let i = p + 1;
  while (t.charCodeAt(i) === 61) i++;
  return t.charCodeAt(i) === 91 ? i - p - 1 : -1;
}

/** Skips a Lua long bracket `[==[ … ]==]` of the given level starting at p. */
function skipLong(t: string, p: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const e = t.indexOf(close, p + level + 2);
  return e < 0 ? t.length : e + close.length;
}

function lineEnd(t: string, p: number): number {
  const e = t.indexOf('\n', p);
  return e < 0 ? t.length : e;
}
