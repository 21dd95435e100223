/**
 * Launch files that start several app servers — gunicorn, uvicorn or hypercorn in two compose
 * services, supervisord programs or Procfile lines — read once per server, narrowed to its
 * own command (Backend.views): each is its own server, and its fixes edit only its command.
 */
import type { ParsedFile } from '../formats/types.ts';
import type { Launched } from '../formats/gunicorn/program.ts';
import { gunicornProcesses, type GunicornTree } from '../formats/gunicorn/index.ts';
import type { Backend } from './backends.ts';

/**
 * gunicorn's files: those that start it in several processes, one view per process; the
 * others (config files, single launches) are read by every one of them.
 */
export function splitGunicorn(files: readonly ParsedFile[]): {
  shared: ParsedFile[];
  processes: ParsedFile<GunicornTree>[];
} {
  const split = files.map((f) => gunicornProcesses(f as ParsedFile<GunicornTree>));
  return {
    shared: files.filter((_, i) => split[i]!.length === 1),
    processes: split.filter((views) => views.length > 1).flat(),
  };
}

/**
 * A launch file that starts several servers (uvicorn or hypercorn in two compose services),
 * as the one at `launch` reads it: narrowed to its own command, so its fixes edit only that.
 */
export function oneServer(files: readonly ParsedFile[], launch: Launched): Pick<Backend, 'views'> {
  const file = files.find((f) => f.name === launch.file);
  const tree = file?.tree as { servers?: { insertAt: number }[] } | undefined;
  const servers = tree?.servers ?? [];
  if (!file || servers.length < 2) return {};
  const own = servers.filter((s) => s.insertAt === launch.at);
  return { views: [{ ...file, tree: { ...tree, servers: own } }] };
}
