/**
 * Command lines (gunicorn/uWSGI/docker invocations in logs, Kubernetes `args`, shell snippets):
 * `-e NAME=value` / `--env NAME=value` / `--env=NAME=value` with quoted values that may contain
 * spaces, and `--password value` / `--token=value` flags (the keyword layer ignores unquoted values in
 * Python kinds, where a gunicorn command line may be pasted).
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const ENV_FLAG = /(?<![^\s"'[,])(?:-e|--env)(?:[ \t]+|=)(["']?)([A-Za-z_][A-Za-z0-9_.]{0,200})=/g;
const SECRET_FLAG = /(?<![^\s"'[,])--([a-z][a-z0-9-]{0,60})(?:[ \t]+|=)(?!-)/g;

export function findCommandLineSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  ENV_FLAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ENV_FLAG.exec(text)) !== null) {
    const kind = secretKindOfName(m[2]!);
    if (!kind) continue;
    let start = ENV_FLAG.lastIndex;
    // `-e "NAME=value"` or `-e NAME="value"`.
    let quote = m[1]!;
    if (!quote && (text[start] === '"' || text[start] === "'")) {
      quote = text[start]!;
      start++;
    }
    const end = wordEnd(text, start, quote);
    if (!isNonSecretValue(text.slice(start, end), quote !== '', kind))
      out.push({ start, end, kind, layer: 'common' });
  }
  SECRET_FLAG.lastIndex = 0;
  while ((m = SECRET_FLAG.exec(text)) !== null) {
    const kind = secretKindOfName(m[1]!);
    if (!kind) continue;
    let start = SECRET_FLAG.lastIndex;
    const quote = text[start] === '"' || text[start] === "'" ? text[start]! : '';
    if (quote) start++;
    const end = wordEnd(text, start, quote);
    if (!isNonSecretValue(text.slice(start, end), quote !== '', kind))
      out.push({ start, end, kind, layer: 'common' });
  }
  return out;
}

/** End of a shell word starting at `start`: the closing quote, or whitespace / a quote. */
function wordEnd(text: string, start: number, quote: string): number {
  let end = start;
  while (end < text.length && end - start < 4096 && text[end] !== '\n') {
    const c = text[end]!;
    if (
      quote
        ? c === quote
        : c === ' ' || c === '\t' || c === '"' || c === "'" || c === ',' || c === ']'
    )
      break;
    end += c === '\\' ? 2 : 1;
  }
  return Math.min(end, text.length);
}
