/**
 * Apache httpd configuration (httpd.conf, apache2.conf, a site file): directives (`Name args`,
 * continued over lines ending in `\`), `#` comment lines and `<Section args>` … `</Section>`
 * blocks. Each directive keeps its offsets and the sections around it; nothing is
 * restructured, so printing gives the text back byte for byte. Apache reads directive and
 * section names case-insensitively.
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import { splitLines } from '../gunicorn/text.ts';

export interface ApacheDirective {
  name: string;
  /** The arguments as written (continuation lines joined with a space). */
  args: string;
  /** Sections around it, outermost first: ["VirtualHost *:8080"]. */
  sections: string[];
  /** 1-based line of its name. */
  line: number;
  /** Offsets of the arguments' text on its first line (for replacing a one-line value). */
  argsStart: number;
  argsEnd: number;
  /** The end of its last line (before the newline): where a line after it goes. */
  lineEnd: number;
  indent: string;
}

export interface ApacheSection {
  name: string;
  args: string;
  line: number;
  /** The end of its opening line (before the newline): where its first body line goes. */
  openEnd: number;
  indent: string;
  /** Sections around it, outermost first. */
  sections: string[];
}

export interface ApacheTree {
  directives: ApacheDirective[];
  sections: ApacheSection[];
}

/** Sections that leave a directive at server level (they only make it conditional). */
const CONDITIONAL = /^(IfModule|IfDefine|IfVersion|IfFile|IfDirective|IfSection)\b/i;

/** A directive at server level: bare, or only inside conditional sections. */
export function atServerLevel(d: { sections: readonly string[] }): boolean {
  return d.sections.every((s) => CONDITIONAL.test(s));
}

const OPEN = /^([ \t]*)<([A-Za-z][\w:.-]*)(?:[ \t]([^>]*))?>[ \t]*$/;
const CLOSE = /^[ \t]*<\/([A-Za-z][\w:.-]*)[ \t]*>[ \t]*$/;
/** A directive's indentation and name; its arguments are the rest of the line. */
const DIRECTIVE = /^([ \t]*)([A-Za-z][\w:.-]*)(?=[ \t]|$)/;

export function parseApache(name: string, text: string): ParsedFile<ApacheTree> {
  const errors: FileError[] = [];
  const tree: ApacheTree = { directives: [], sections: [] };
  const open: ApacheSection[] = [];
  const lines = splitLines(text);
  const path = () => open.map((s) => (s.args ? `${s.name} ${s.args}` : s.name));
  for (let n = 0; n < lines.length; n++) {
    const { body, start, line } = lines[n]!;
    if (/^[ \t]*(#.*)?$/.test(body)) continue;
    const opened = OPEN.exec(body);
    if (opened) {
      const section: ApacheSection = {
        name: opened[2]!,
        args: (opened[3] ?? '').trim(),
        line,
        openEnd: start + body.length,
        indent: opened[1]!,
        sections: path(),
      };
      tree.sections.push(section);
      open.push(section);
      continue;
    }
    const closed = CLOSE.exec(body);
    if (closed) {
      const top = open.at(-1);
      if (!top) errors.push({ line, message: `</${closed[1]}> closes no open section` });
      else if (top.name.toLowerCase() !== closed[1]!.toLowerCase())
        errors.push({
          line,
          message: `</${closed[1]}> closes <${top.name}> opened on line ${top.line}`,
        });
      else open.pop();
      continue;
    }
    const d = DIRECTIVE.exec(body);
    if (!d) {
      errors.push({ line, message: 'not an Apache directive, comment or section line' });
      continue;
    }
    const rest = body.slice(d[0].length);
    let args = rest.trim();
    const argsStart = start + d[0].length + (rest.length - rest.trimStart().length);
    const argsEnd = argsStart + args.length;
    let last = n;
    // A line ending in a backslash goes on on the next one.
    while (/\\$/.test(lines[last]!.body) && last + 1 < lines.length) {
      last++;
      args = `${args.replace(/\\$/, '').trimEnd()} ${lines[last]!.body.trim()}`.trim();
    }
    tree.directives.push({
      name: d[2]!,
      args: args.replace(/\\$/, '').trim(),
      sections: path(),
      line,
      argsStart,
      argsEnd,
      lineEnd: lines[last]!.start + lines[last]!.body.length,
      indent: d[1]!,
    });
    n = last;
  }
  for (const s of open)
    errors.push({ line: s.line, message: `<${s.name}> opened here is never closed` });
  return {
    name,
    kind: 'apache',
    text,
    errors,
    tree,
    print: () => text,
    settings: () => settingsOf(name, tree),
  };
}

function settingsOf(file: string, tree: ApacheTree): Setting[] {
  return tree.directives.map((d) => ({
    key: d.name,
    value: d.args,
    file,
    line: d.line,
    ...(d.sections.length ? { scope: d.sections.join(' > ') } : {}),
  }));
}
