import type { SegmentKind } from '../model.ts';
import { baseName } from '../strings.ts';

export type { SegmentKind };

/** What the text around a region says it holds: a fence's language, a command, a caption. */
export interface Hint {
  /** The file name the user gave it (`gunicorn.conf.py`, `/etc/nginx/nginx.conf`). */
  name?: string;
  /** The kind it must be, when that is certain (```nginx, `nginx -T`, `tail error.log`). */
  kind?: SegmentKind;
  /** Only a leaning: decide by content, but prefer this kind when content is unsure. */
  lean?: SegmentKind;
  /** The region is a shell session: its own prompts split it further. */
  transcript?: boolean;
}

/** A file name or path inside a caption, a command or a fence's info string. */
const FILE_NAME =
  /(?:^|[\s`'"*(:=])((?:[~.]?\/)?(?:[\w@.+-]+\/)*(?:[\w@+-][\w@.+-]*\.(?:conf|py|ini|ya?ml|js|mjs|cjs|ts|mts|env|log|txt|json|toml|rb|service|sh|cfg|template|sample|j2|gz)|Dockerfile|Containerfile|Procfile|\.env(?:\.[\w-]+)?|nginx\.conf|(?:sites-(?:available|enabled)|conf\.d)\/[\w.@+-]+))(?=$|[\s`'"*),:;])/;

export function fileNameIn(text: string): string | undefined {
  const m = FILE_NAME.exec(text);
  return m ? m[1] : undefined;
}

/** The kind a file name implies, when it does (`*.log` → log; others are decided by content). */
export function kindOfName(name: string): SegmentKind | undefined {
  const base = baseName(name);
  if (/\.log(\.\d+)?(\.gz)?$|^(error|access)[._-]log/i.test(base)) return 'log';
  return undefined;
}

/** A fence's language (```nginx, ~~~yaml) as a hint. */
export function fenceHint(info: string): Hint {
  const words = info.trim().split(/\s+/);
  const lang = (words[0] ?? '')
    .toLowerCase()
    .replace(/^\{?\.?/, '')
    .split(/[}:]/, 1)[0]!;
  const hint: Hint = {};
  const titled = /(?:title|file(?:name)?)=["']?([^"'\s]+)/i.exec(info)?.[1];
  const named =
    titled ?? fileNameIn(info.replace(/^\S+/, '')) ?? /^[^:]+:(\S+)/.exec(words[0] ?? '')?.[1];
  if (named) hint.name = named;
  switch (lang) {
    case 'nginx':
    case 'nginxconf':
    case 'nginx.conf':
      hint.kind = 'nginx';
      break;
    case 'yaml':
    case 'yml':
      hint.lean = 'kubernetes';
      break;
    case 'ini':
    case 'cfg':
    case 'dosini':
      hint.lean = 'uwsgi';
      break;
    case 'python':
    case 'py':
    case 'python3':
      hint.lean = 'gunicorn';
      break;
    case 'js':
    case 'javascript':
    case 'ts':
    case 'typescript':
    case 'node':
    case 'mjs':
      hint.lean = 'node';
      break;
    case 'ruby':
    case 'rb':
      hint.lean = 'puma';
      break;
    case 'hcl':
    case 'terraform':
    case 'tf':
      hint.lean = 'terraform';
      break;
    case 'env':
    case 'dotenv':
      hint.lean = 'dotenv';
      break;
    case 'sh':
    case 'bash':
    case 'shell':
    case 'console':
    case 'shell-session':
    case 'shellsession':
    case 'terminal':
    case 'zsh':
    case 'sh-session':
      hint.transcript = true;
      break;
    case 'log':
    case 'logs':
    case 'accesslog':
      hint.lean = 'log';
      break;
    default:
      break;
  }
  return hint;
}
