/**
 * `nginx -T` output and version strings.
 *
 * `nginx -T` prints every file it read, each after a `# configuration file PATH:` line, and
 * appends one LF to each file's text (checked against nginx 1.22: a file without a final
 * newline gets one, a file with one is followed by an empty line). Splitting removes that LF
 * again, so each piece is the file byte for byte. Text before the first marker (the "syntax is
 * ok" lines, a shell prompt) is not a file.
 */

const MARKER = /^# configuration file (.+?):\r?$/gm;

export function splitDump(text: string): { name: string; text: string }[] | null {
  const marks: { name: string; lineStart: number; bodyStart: number }[] = [];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m !== null; m = MARKER.exec(text)) {
    const lineEnd = m.index + m[0].length;
    const bodyStart = text.charCodeAt(lineEnd) === 10 ? lineEnd + 1 : lineEnd;
    marks.push({ name: (m[1] as string).trim(), lineStart: m.index, bodyStart });
  }
  if (marks.length === 0) return null;
  return marks.map((mark, i) => {
    const next = marks[i + 1];
    let body = text.slice(mark.bodyStart, next ? next.lineStart : text.length);
    if (body.endsWith('\r\n')) body = body.slice(0, -2);
    else if (body.endsWith('\n')) body = body.slice(0, -1);
    return { name: mark.name, text: body };
  });
}

/**
 * The nginx version a paste states: `nginx version: nginx/1.22.1` (nginx -v / -V / -T),
 * `Server: nginx/1.25.3` response headers, or OpenResty's `nginx version: openresty/1.21.4.1`
 * (whose first three numbers are the nginx core it bundles). The first one found wins.
 */
const VERSION =
  /(?:nginx version:[ \t]*(?:nginx|openresty|freenginx)|^[ \t]*(?:[<>][ \t]*)?server:[ \t]*(?:nginx|openresty))\/(\d+\.\d+(?:\.\d+)?)/im;

export function findNginxVersion(text: string): string | null {
  const m = VERSION.exec(text);
  return m ? (m[1] as string) : null;
}
