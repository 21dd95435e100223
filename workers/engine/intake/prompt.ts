/**
 * Shell transcripts as people paste them: a prompt line (`$ cat gunicorn.conf.py`,
 * `root@web:/etc/nginx# nginx -T`, `[user@host ~]$ tail -f error.log`) separates what came
 * before from the command's output, and the command says what that output is.
 */
import { fileNameIn, kindOfName, type Hint } from './hints.ts';
import { baseName } from '../strings.ts';

export interface Command extends Hint {
  /** The command as typed, without the prompt. */
  command: string;
  /** The command line is itself a config (`gunicorn --timeout 30 app:app`). */
  launch?: boolean;
}

/** Commands whose output is a file or a log: a `#` prompt counts only before one of these. */
const OUTPUT_COMMANDS =
  /^(cat|bat|less|more|head|tail|zcat|zless|zmore|gzcat|nl|grep|egrep|zgrep|rg|ag|journalctl|dmesg|kubectl|oc|docker|docker-compose|podman|nginx|openresty|curl|systemctl|gunicorn|uwsgi|uvicorn|hypercorn|node|tac|awk|sed|ausearch)$/;

// `(venv) user@host:~/app$ `, `[root@web nginx]# `, `host:~ me$ `, or a bare `$ `, `% `, `# `.
const PROMPT =
  /^\s{0,4}(?:\([\w.-]{1,40}\)\s?)?(?:\[[^\]\n]{1,80}\]|[\w.-]{1,64}@[\w.-]{1,64}(?::[^\s$#%]{0,120})?|[\w.-]{1,64}:[^\s$#%]{0,120}(?: [\w.-]{1,32})?)?\s?([$#%]) (\S.*)$/;

/** Splits a command line into words (quotes removed; good enough to find names and flags). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

/** The command a prompt line runs, or null when the line is not a prompt. */
export function promptCommand(line: string): Command | null {
  const m = PROMPT.exec(line);
  if (!m) return null;
  const command = (m[2] as string).trim();
  const words = commandWords(command);
  const program = baseName(words[0] ?? '');
  // A bare `# …` may be a comment; `root@web:~# …` or `[root@web nginx]# …` is a prompt.
  const bare = /^\s*(?:\([\w.-]{1,40}\)\s?)?#/.test(line);
  if (m[1] === '#' && bare && !rootCommand(program, words.slice(1))) return null;
  return { command, ...describe(program, words.slice(1)) };
}

/**
 * `#` is also how comments start (`# gunicorn config for the shop`): after it, a command
 * counts only when it is one that prints a file or a log, with the arguments such a command
 * takes (an option, a path, a subcommand), as in `# tail -n 50 /var/log/nginx/error.log`.
 */
function rootCommand(program: string, args: string[]): boolean {
  if (!OUTPUT_COMMANDS.test(program)) return false;
  if (args.length === 0) return /^(dmesg|journalctl)$/.test(program);
  const first = args[0] as string;
  if (first.startsWith('-') || /[./]/.test(first)) return true;
  if (/^(kubectl|oc|docker|podman|docker-compose|systemctl)$/.test(program))
    return /^(logs|describe|get|compose|status)$/.test(first);
  return /^(grep|egrep|zgrep|rg|ag|awk|sed)$/.test(program) && /[./]/.test(args.at(-1) as string);
}

/** The command's words after `sudo`, `env X=1`, `time`, before the first pipe. */
function commandWords(command: string): string[] {
  const words = shellWords(command.split(/\s\|\s|\s&&\s|;\s/)[0] ?? '');
  while (words.length > 0) {
    const w = words[0] as string;
    if (/^(sudo|time|env|exec|nice|command)$/.test(w) || /^[A-Za-z_]\w*=/.test(w)) {
      words.shift();
      while (w === 'sudo' && words[0]?.startsWith('-')) {
        const flag = words.shift() as string;
        if (/^-[ugCDh]$/.test(flag)) words.shift();
      }
    } else break;
  }
  return words;
}

function describe(program: string, args: string[]): Omit<Command, 'command'> {
  const files = args.filter((a) => !a.startsWith('-') && /[./]/.test(a));
  const lastFile = files.at(-1);
  switch (program) {
    case 'cat':
    case 'bat':
    case 'less':
    case 'more':
    case 'head':
    case 'tail':
    case 'nl':
    case 'tac': {
      // `cat a b` runs two files together: no one name fits. `cat shop` names a file with no
      // extension (a site under sites-available).
      const named = args.filter((a) => !a.startsWith('-') && !/^\d+$/.test(a));
      return named.length === 1 ? fileHint(named[0] as string) : {};
    }
    case 'zcat':
    case 'zless':
    case 'zmore':
    case 'gzcat':
      return files.length === 1
        ? { ...fileHint(files[0] as string), lean: 'log' }
        : { lean: 'log' };
    case 'grep':
    case 'egrep':
    case 'zgrep':
    case 'rg':
    case 'ag':
    case 'awk':
    case 'sed':
    case 'ausearch':
      return lastFile ? { name: lastFile, lean: 'log' } : { lean: 'log' };
    case 'journalctl':
    case 'dmesg':
      return { kind: 'log' };
    case 'kubectl':
    case 'oc': {
      const verb = args.find((a) => !a.startsWith('-'));
      if (/^(logs|describe|top|events)$/.test(verb ?? '')) return { kind: 'log' };
      if (
        verb === 'get' &&
        args.some((a, i) => /^-o(yaml|=yaml)?$/.test(a) && (a !== '-o' || args[i + 1] === 'yaml'))
      )
        return { lean: 'kubernetes' };
      if (verb === 'get') return { kind: 'log' };
      return {};
    }
    case 'docker':
    case 'podman':
    case 'docker-compose':
      return args.includes('logs') ? { kind: 'log' } : {};
    case 'nginx':
    case 'openresty':
      if (args.includes('-T')) return { lean: 'nginx' };
      if (args.some((a) => a === '-v' || a === '-V')) return { kind: 'version' };
      return { kind: 'prose' };
    case 'curl':
      return { kind: 'version' };
    case 'systemctl':
      return { lean: 'log' };
    case 'gunicorn':
    case 'gunicorn3':
    case 'uwsgi':
      return { launch: true, lean: 'log' };
    default:
      return {};
  }
}

function fileHint(file: string): Hint {
  const kind = kindOfName(file);
  return kind ? { name: file, lean: kind } : { name: file };
}

/** `==> /var/log/nginx/error.log <==` between files, as `tail`/`head` of several files print. */
export function tailBanner(line: string): Hint | null {
  const m = /^==> (.+) <==\s*$/.exec(line);
  if (!m) return null;
  const name = (m[1] as string).trim();
  return { name, ...(kindOfName(name) ? { lean: kindOfName(name) } : {}) };
}

/**
 * A banner line naming what follows: `--- nginx.conf ---`, `=== gunicorn.conf.py ===`,
 * `##### /etc/uwsgi/app.ini #####`. YAML's bare `---` and diff headers (`--- a/x`) are not.
 */
export function banner(line: string): Hint | null {
  // Not `*** … ***`: uWSGI starts its log that way.
  const m = /^\s*(-{3,}|={3,}|#{3,})\s+(\S[^\n]{0,160}?)\s+\1\s*$/.exec(line);
  if (!m) return null;
  const file = fileNameIn(` ${m[2]} `);
  // `### End of direct access configuration ###` is a comment: `#` banners must name a file.
  if (!file && (m[1] as string).startsWith('#')) return null;
  const name = file ?? (m[2] as string).trim();
  return { name, ...(kindOfName(name) ? { lean: kindOfName(name) } : {}) };
}

/** `# configuration file /etc/nginx/nginx.conf:` — each file of an `nginx -T` dump. */
export function dumpMarker(line: string): Hint | null {
  const m = /^# configuration file (.+?):\s*$/.exec(line);
  return m ? { name: (m[1] as string).trim(), kind: 'nginx' } : null;
}

/** What `nginx -t`/`-T` prints about the test itself: not a file. */
export function isNginxTestLine(line: string): boolean {
  const t = line.trimEnd();
  return (
    /^nginx: \[\w+\] /.test(t) ||
    (t.startsWith('nginx: the configuration file ') && t.endsWith(' syntax is ok')) ||
    (t.startsWith('nginx: configuration file ') &&
      (t.endsWith(' test is successful') || t.endsWith(' test failed')))
  );
}
