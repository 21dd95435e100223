import type { FileKind } from '../../workers/engine/model.ts';

/** The Monaco language id used to highlight a file of this kind. */
export function languageOf(kind: FileKind | undefined): string {
  switch (kind) {
    case 'nginx':
      return 'nginx';
    case 'gunicorn':
    case 'uvicorn':
      return 'python';
    case 'uwsgi':
    case 'hypercorn':
    case 'apache':
    case 'php-fpm':
    case 'dotenv':
      return 'ini';
    case 'kubernetes':
      return 'yaml';
    case 'node':
      return 'javascript';
    case 'puma':
      return 'ruby';
    default:
      return 'plaintext';
  }
}
