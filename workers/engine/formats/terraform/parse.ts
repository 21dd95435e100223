/**
 * Terraform (HCL) read far enough to find the load balancers in front of nginx: every block with
 * its labels (`resource "aws_lb" "web" {`), and in each its attributes (`idle_timeout = 120`)
 * with their lines. Strings with `${…}`, heredocs and comments are skipped whole, so a brace in
 * them never counts. Nothing is rewritten: printing gives the text back byte for byte. An
 * unclosed block, string or heredoc is an error with the line it opened on.
 */
import type { FileError } from '../../model.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';

export interface HclAttribute {
  name: string;
  /** The literal value (unquoted string, number, true/false); null for an expression. */
  value: string | null;
  /** The expression as written, for messages when it is not a literal. */
  raw: string;
  line: number;
  start: number;
  end: number;
}

export interface HclBlock {
  type: string;
  labels: string[];
  line: number;
  /** Offsets of the `{` and just after the matching `}` (or the text's end). */
  open: number;
  close: number;
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface TerraformTree {
  blocks: HclBlock[];
}

const IDENT = /[A-Za-z_][\w-]*/y;

export function parseHcl(text: string): { tree: TerraformTree; errors: FileError[] } {
  const starts = lineStarts(text);
  const errors: FileError[] = [];
  const lineOf = (offset: number) => lineAt(starts, offset);
  let i = 0;

  /** Skips a string starting at `i` (on its quote); returns the offset after it. */
  const skipString = (from: number): number => {
    let j = from + 1;
    let depth = 0;
    while (j < text.length) {
      const c = text[j]!;
      if (c === '\\') j += 2;
      else if (depth === 0 && c === '"') return j + 1;
      else if (c === '\n' && depth === 0) break;
      else if ((c === '$' || c === '%') && text[j + 1] === '{') {
        depth++;
        j += 2;
      } else if (depth > 0 && c === '}') {
        depth--;
        j++;
      } else if (depth > 0 && c === '"') j = skipString(j);
      else j++;
    }
    errors.push({ line: lineOf(from), message: 'string opened here is never closed' });
    return j;
  };

  /** Skips whitespace, comments, strings and heredocs; stops at anything else. */
  const skipTrivia = (stopAtNewline: boolean): void => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n' && stopAtNewline) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) {
          errors.push({ line: lineOf(i), message: 'comment opened here is never closed' });
          i = text.length;
        } else i = end + 2;
      } else return;
    }
  };

  /** The end of an expression that starts at `i`: the line's end outside brackets, strings, heredocs. */
  const skipExpression = (): number => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') i = skipString(i);
      else if (
        c === '<' &&
        text[i + 1] === '<' &&
        /^<<-?[A-Za-z_]\w*[ \t]*\r?\n/.test(text.slice(i, i + 80))
      ) {
        const m = /^<<-?([A-Za-z_]\w*)/.exec(text.slice(i))!;
        const closing = new RegExp(`^[ \\t]*${m[1]}[ \\t]*\\r?$`, 'm');
        const body = text.indexOf('\n', i) + 1;
        const rest = closing.exec(text.slice(body));
        if (!rest) {
          errors.push({ line: lineOf(i), message: `heredoc ${m[1]} opened here is never closed` });
          i = text.length;
        } else i = body + rest.index + rest[0].length;
      } else if (c === '#' || (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) {
        if (depth === 0) return i;
        skipTrivia(false);
      } else if ('([{'.includes(c)) {
        depth++;
        i++;
      } else if (')]}'.includes(c)) {
        if (depth === 0) return i;
        depth--;
        i++;
      } else if (c === '\n' && depth === 0) return i;
      else i++;
    }
    return i;
  };

  const body = (closeAt: number | null): { attributes: HclAttribute[]; blocks: HclBlock[] } => {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (;;) {
      skipTrivia(false);
      if (i >= text.length) return { attributes, blocks };
      if (text[i] === '}') {
        if (closeAt !== null) return { attributes, blocks };
        errors.push({ line: lineOf(i), message: 'this } closes no block' });
        i++;
        continue;
      }
      IDENT.lastIndex = i;
      const ident = IDENT.exec(text);
      if (!ident) {
        // Not a name: skip the line (a stray token) rather than give up on the file.
        errors.push({ line: lineOf(i), message: `unexpected "${text[i]}"` });
        skipExpression();
        if (text[i] && ')]}'.includes(text[i]!) && text[i] !== '}') i++;
        continue;
      }
      const nameStart = i;
      i += ident[0].length;
      skipTrivia(true);
      if (text[i] === '=' && text[i + 1] !== '=') {
        i++;
        skipTrivia(true);
        const start = i;
        const end = skipExpression();
        const raw = text.slice(start, end).trimEnd();
        attributes.push({
          name: ident[0],
          raw,
          value: literal(raw),
          line: lineOf(nameStart),
          start: nameStart,
          end: start + raw.length,
        });
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        if (text[i] === '"') {
          const end = skipString(i);
          labels.push(text.slice(i + 1, end - 1));
          i = end;
        } else {
          IDENT.lastIndex = i;
          const label = IDENT.exec(text);
          if (!label) break;
          labels.push(label[0]);
          i += label[0].length;
        }
        skipTrivia(true);
      }
      if (text[i] !== '{') {
        errors.push({
          line: lineOf(nameStart),
          message: `"${ident[0]}" is neither an attribute (=) nor a block ({)`,
        });
        skipExpression();
        continue;
      }
      const open = i;
      i++;
      const inner = body(open);
      if (text[i] === '}') i++;
      else
        errors.push({
          line: lineOf(open),
          message: `block ${ident[0]} opened here is never closed`,
        });
      blocks.push({ type: ident[0], labels, line: lineOf(nameStart), open, close: i, ...inner });
    }
  };

  const { blocks } = body(null);
  return { tree: { blocks }, errors };
}

/** A literal's value: a number, true/false, or a string without interpolation. */
function literal(raw: string): string | null {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return raw;
  if (raw === 'true' || raw === 'false') return raw;
  const str = /^"((?:[^"\\$%]|\\.|[$%](?!\{))*)"$/.exec(raw);
  return str ? str[1]!.replace(/\\(.)/g, '$1') : null;
}
