/**
 * Prose: the sentences around pasted inputs ("I set timeout 30 in gunicorn but nginx still
 * returns 502."). Prose is set aside, never parsed: a sentence that mentions a directive is
 * not a directive. A line is prose when most of its words are words — letters with at most a
 * trailing punctuation mark — and it is not shaped like a setting (`name value;`, `key = v`,
 * `key: v`, `- item:`), a comment or code.
 */

const WORD = /^[(["'`]?[A-Za-z][a-z'’]*(?:-[a-z]+)*[)\]"'`]?[.,:;!?)]*$/;
const NUMBER = /^[(~]?(?:\d+[.,])*\d+(?:%|[a-zA-Z]{1,3})?[).,:;!?]*$/;
const SETTING = /^\s*(?:[\w.-]+\s*(?:=|:\s|:$)|[\w.-]+\s+[^\s].*[;{]\s*$|[{}]|-\s+[\w.-]+\s*:)/;

/** Code, even when its strings read like sentences: calls, imports, definitions. */
const CODE =
  /^([\w.]+\(|(def|class)\s+\w+\s*[(:]|from\s+[\w.]+\s+import\s|import\s+[\w.]+(\s*,\s*[\w.]+)*\s*$|(return|raise|assert|await|yield)\s)/;

export function isProseLine(line: string): boolean {
  const t = line.trim();
  if (t.length < 8) return false;
  // Four spaces of indent make a code block in Markdown, and code everywhere else.
  if (/^( {4}|\t)/.test(line) || CODE.test(t)) return false;
  if (/^(#|\/\/|;|<!--|\/\*)/.test(t)) return false;
  // Ending like a statement (`;`, `{`, `}`): prose only if it has three words in a row.
  if (/[;{}]$/.test(t) && !threeWords(t)) return false;
  // `harakiri = 60   ; kill workers after 60 seconds` is a setting with a comment.
  if (/^[\w.-]+\s*[=:]\s*\S/.test(t) && !/^[A-Z][a-z]+:\s+[A-Za-z]/.test(t)) return false;
  const tokens = t.replace(/^(?:[-*+]|\d+[.)])\s+/, '').split(/\s+/);
  if (tokens.length < 4) return false;
  if (SETTING.test(t) && tokens.length < 6) return false;
  let words = 0;
  let numbers = 0;
  for (const tok of tokens) {
    if (WORD.test(tok)) words++;
    else if (NUMBER.test(tok)) numbers++;
  }
  // "Increased proxy_read_timeout to 300s but still 502" is prose with a name in it.
  return words >= 3 && words / tokens.length >= 0.55 && (words + numbers) / tokens.length >= 0.65;
}

/**
 * A short line of plain words ("My uwsgi has", "and nginx says:"): too short to be sure of as
 * prose on its own, but not config of any kind either. Used for leftovers nobody claimed.
 */
export function isWordsLine(line: string): boolean {
  if (/[;{}=]\s*$/.test(line)) return false;
  const tokens = line.trim().split(/\s+/);
  return tokens.length >= 2 && tokens.every((t) => WORD.test(t) || NUMBER.test(t));
}

function threeWords(t: string): boolean {
  let run = 0;
  for (const token of t.split(/\s+/)) {
    run = /^\w+[.,!?]?$/.test(token) ? run + 1 : 0;
    if (run >= 3) return true;
  }
  return false;
}
