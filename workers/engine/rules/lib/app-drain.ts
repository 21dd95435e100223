/**
 * What each app server does when a process manager stops it: on which signals it finishes its
 * running requests (and for how long), exits at once, or goes on running — gunicorn drains on
 * SIGTERM for up to `graceful_timeout`, uvicorn on SIGTERM and SIGINT, hypercorn on both for up
 * to `graceful_timeout` (3 s), uWSGI 2.0 only through
 * its graceful hook. For deploy-termination's managed-stop findings.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import { addUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import { numberOf } from './app-values.ts';

/** What an app server does on a stop signal: finish running requests, exit at once, or go on. */
type Outcome = 'drains' | 'exits' | 'stays';

export interface Drain {
  program: string;
  /** Seconds the app may take to finish running requests; null when it sets no limit. */
  seconds: number | null;
  setting: string;
  value: Backend['settings'][string] | undefined;
  /** The app's own words for a signal it does not drain on ("reloads instead of exiting"). */
  on(signal: string): { outcome: Outcome; words: string };
  /**
   * Edits that make SIGTERM drain, where it does not yet (uWSGI's graceful hook); null when
   * TERM already drains, [] when no pasted file can carry the change.
   */
  termDrains(topology: Topology): Edit[] | null;
}

const EXITS = { outcome: 'exits', words: 'exits at once' } as const;
const DRAINS = { outcome: 'drains', words: 'finishes running requests' } as const;

/** uWSGI's signal numbers as `unix_signal:<n>` hooks name them. */
const SIGNAL_NUMBERS: Readonly<Record<string, string>> = {
  '1': 'HUP',
  '2': 'INT',
  '3': 'QUIT',
  '15': 'TERM',
};
export const GRACEFUL_HOOK = 'unix_signal:15 gracefully_kill_them_all';

export function drainOf(backend: Backend): Drain | null {
  if (backend.kind === 'gunicorn') {
    const value = backend.settings.graceful_timeout;
    return {
      program: 'gunicorn',
      seconds: numberOf(value),
      setting: 'graceful_timeout',
      value,
      // HUP reloads its workers, USR1/USR2/WINCH/TTIN/TTOU do their own jobs: none exits.
      on: (signal) =>
        signal === 'TERM'
          ? DRAINS
          : /^(INT|QUIT|KILL)$/.test(signal)
            ? EXITS
            : { outcome: 'stays', words: 'does not exit (it handles that signal otherwise)' },
      termDrains: () => null,
    };
  }
  // uvicorn and hypercorn (hypercorn/asyncio/run.py) handle INT and TERM: stop accepting and
  // wait for running requests (hypercorn's graceful_timeout, 3 s; uvicorn's
  // timeout_graceful_shutdown, no limit unless set); any other signal ends them at once.
  const asgi = { uvicorn: 'timeout_graceful_shutdown', hypercorn: 'graceful_timeout' } as const;
  if (backend.kind === 'uvicorn' || backend.kind === 'hypercorn') {
    const setting = asgi[backend.kind];
    const value = backend.settings[setting];
    return {
      program: backend.kind,
      seconds: numberOf(value),
      setting,
      value,
      on: (signal) => (/^(INT|TERM)$/.test(signal) ? DRAINS : EXITS),
      termDrains: () => null,
    };
  }
  if (backend.kind === 'uwsgi') return uwsgiDrain(backend);
  return null;
}

/**
 * uWSGI 2.0 (uWSGI's "Managing the uWSGI server"): SIGTERM brutally reloads — workers are killed
 * mid-request and uWSGI goes on running — unless `die-on-term`, when it exits at once; SIGINT and
 * SIGQUIT kill it at once; SIGHUP reloads gracefully. It finishes running requests on a stop
 * only through a hook (`hook-master-start = unix_signal:15 gracefully_kill_them_all`), for up to
 * `worker-reload-mercy` (60 s by default).
 */
function uwsgiDrain(backend: Backend): Drain {
  const s = backend.settings;
  const hooks = s['hook-master-start']?.value ?? '';
  const graceful = new Set(
    [...hooks.matchAll(/unix_signal:(\d+)\s+gracefully_kill_them_all/g)].map(
      (m) => SIGNAL_NUMBERS[m[1]!] ?? m[1]!,
    ),
  );
  const dieOnTerm = /^(true|1|yes|on|)$/i.test(s['die-on-term']?.value ?? 'false');
  const value = s['worker-reload-mercy'];
  return {
    program: 'uWSGI',
    seconds: numberOf(value),
    setting: 'worker-reload-mercy',
    value,
    on: (signal) => {
      if (graceful.has(signal)) return DRAINS;
      if (signal === 'TERM' && !dieOnTerm)
        return {
          outcome: 'stays',
          words:
            'reloads brutally instead of exiting (its workers are killed mid-request and it goes on running; die-on-term is off)',
        };
      if (signal === 'HUP') return { outcome: 'stays', words: 'reloads instead of exiting' };
      return {
        outcome: 'exits',
        words: `kills its workers at once${signal === 'TERM' ? ' (die-on-term)' : ''}`,
      };
    },
    termDrains: (topology) => {
      if (graceful.has('TERM')) return null;
      const ini = backend.files
        .map((name) => topology.files.find((f) => f.name === name))
        .find((f) => f?.kind === 'uwsgi' && (f.tree as UwsgiTree).form === 'ini');
      return ini
        ? addUwsgiOption(ini as ParsedFile<UwsgiTree>, 'hook-master-start', GRACEFUL_HOOK)
        : [];
    },
  };
}
