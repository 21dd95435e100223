/**
 * Captions: the line people write before a code block to say what it is — `nginx.conf:`,
 * `**gunicorn.conf.py**`, `### /etc/nginx/sites-enabled/app`, "and the error log:". A caption
 * names the segment that follows (or at least says its kind); it is never content itself.
 */
import { fileNameIn, kindOfName, type Hint } from './hints.ts';

const KIND_WORDS: [RegExp, Hint['lean']][] = [
  [/\b(logs?|journal(ctl)?|dmesg|output|traceback|events)\b/i, 'log'],
  [/\bnginx\b/i, 'nginx'],
  [/\bgunicorn\b/i, 'gunicorn'],
  [/\bu[wW][sS][gG][iI]\b/, 'uwsgi'],
  [/\b(kubernetes|k8s|deployment|manifest|ingress|configmap|pod spec)\b/i, 'kubernetes'],
  [/\b(node(\.js)?|express|fastify)\b/i, 'node'],
  [/\bphp-fpm\b/i, 'php-fpm'],
  [/\bpuma\b/i, 'puma'],
  [/\buvicorn\b/i, 'uvicorn'],
  [/\bhypercorn\b/i, 'hypercorn'],
  [/\b(apache2?|httpd)\b/i, 'apache'],
  [/\b(terraform|load balancer|alb)\b/i, 'terraform'],
];

/**
 * A caption line: short, standing alone, and either naming a file or ending with a colon
 * after words that name a kind. Null when the line is content or ordinary prose.
 */
export function caption(line: string, beforeFence: boolean): Hint | null {
  const t = line.trim();
  if (t === '' || t.length > 140) return null;
  const bare = t
    .replace(/^#{1,6}\s+/, '')
    .replace(/^(\*\*|__|`)(.*)\1(:?)$/, '$2$3')
    .replace(/^[*-]\s+/, '')
    .trim();
  // A caption is words and a name, never code (`include snippets/ssl.conf;`, `a = "x.py"`).
  if (/[;={}<>|$[\]]/.test(bare)) return null;
  // A lone word in bold or as a heading right before a fence names it too (`**shop**`: a site
  // file under sites-available has no extension).
  const name =
    fileNameIn(` ${bare} `) ??
    (beforeFence && /^(#{1,6}\s|\*\*|__)/.test(t) && /^[\w.-]+:?$/.test(bare)
      ? bare.replace(/:$/, '')
      : undefined);
  const words = bare.split(/\s+/).length;
  // `# gunicorn.conf.py` names a file; `# server robots.txt from anubis` is a comment.
  if (/^#\s/.test(t) && words > 2) return null;
  if (/^#+\s/.test(t) && !headingLike(t, words)) return null;
  const heading = /^#{1,6}\s/.test(t) || /^(\*\*|__).+(\*\*|__):?$/.test(t);
  const colon = /:\s*$/.test(bare) || /:(\*\*|__|`)$/.test(t);
  // A lone file name (`nginx.conf`, `**/etc/uwsgi/app.ini**`) or "… nginx.conf:".
  if (name && (words <= 2 || ((colon || heading || beforeFence) && words <= 12))) {
    const kind = kindOfName(name);
    return { name, ...(kind ? { lean: kind } : {}) };
  }
  if (!(colon || heading || beforeFence) || words > 12) return null;
  // Before a fence any short line may say what it holds; elsewhere it needs the colon.
  if (!beforeFence && !colon) return null;
  for (const [re, lean] of KIND_WORDS) if (re.test(bare)) return { lean };
  // "my old config:" says only that something follows: a caption all the same, of words.
  const sentence =
    words >= 2 &&
    /^[A-Za-z][A-Za-z' ,-]*:$/.test(bare) &&
    !/^(def|class|if|elif|else|for|while|try|except|finally|with|case|when)\b/.test(bare);
  return beforeFence || sentence ? {} : null;
}

/** A `#` line that reads as a Markdown heading or a file caption rather than a comment. */
function headingLike(t: string, words: number): boolean {
  return words <= 4 && /^#{1,6}\s/.test(t);
}
