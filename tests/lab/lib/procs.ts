/**
 * Process groups the lab starts, and the guarantee that none outlive it.
 *
 * Every server is spawned `detached`, so it leads its own process group and its workers
 * (nginx, gunicorn and uWSGI fork them) share it: one `kill(-pgid)` stops the lot. The
 * groups are also written to `<labDir>/pgids` for the watchdog (see watchdog.ts), which
 * kills them and removes the lab directory if this process dies without cleaning up
 * (SIGKILL, OOM) or overruns its deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Group {
  name: string;
  child: ChildProcess;
  pgid: number;
  /** Resolves with the exit code (or signal name) when the group leader exits. */
  exited: Promise<number | string>;
  done: boolean;
}

const live = new Set<Group>();
let pgidFile: string | null = null;

/** Rewritten on every change, so the watchdog never signals a pgid that may have been reused. */
function recordGroups(): void {
  if (!pgidFile) return;
  try {
    writeFileSync(pgidFile, [...live].map((g) => `${g.pgid}\n`).join(''));
  } catch {
    // The lab directory is gone (cleanup ran): nothing left for the watchdog to do.
  }
}

/** Where to record process groups for the watchdog. */
export function trackGroupsIn(file: string | null): void {
  pgidFile = file;
}

export interface StartOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** stdout and stderr of the group leader go to this file (appended). */
  logFile: string;
}

/** Start `cmd` as the leader of a new process group, output to `logFile`. */
export function startGroup(name: string, cmd: string, args: string[], opts: StartOptions): Group {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd}`);
  const group: Group = { name, child, pgid: child.pid, exited: Promise.resolve(0), done: false };
  group.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      group.done = true;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      group.done = true;
      resolve(String(err));
    });
  });
  live.add(group);
  recordGroups();
  return group;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false; // the group is gone already
  }
}

/** Whether any process of the group is still alive (workers may outlive their master). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Send a signal to the group leader only (e.g. SIGHUP to reload gunicorn). */
export function signalLeader(group: Group, sig: NodeJS.Signals): void {
  if (!group.done) group.child.kill(sig);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stop a group: `sig` (default SIGTERM), then SIGKILL to whatever remains after `graceMs`.
 * Waits until no process of the group is left, so ports and sockets are free afterwards.
 */
export async function stopGroup(
  group: Group,
  graceMs = 3000,
  sig: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  signalGroup(group.pgid, sig);
  const deadline = Date.now() + graceMs;
  while (groupAlive(group.pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(group.pgid)) signalGroup(group.pgid, 'SIGKILL');
  while (groupAlive(group.pgid)) await sleep(20);
  await Promise.race([group.exited, sleep(1000)]);
  live.delete(group);
  recordGroups();
}

/** Stop every group still running (used between runs and on the way out). */
export async function stopAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((g) => stopGroup(g, graceMs)));
}

/** Last resort, synchronous (usable in an 'exit' handler): SIGKILL every known group. */
export function killAllNow(): void {
  for (const g of live) signalGroup(g.pgid, 'SIGKILL');
  live.clear();
  recordGroups();
}

/**
 * Start the watchdog: a separate, detached Node process that outlives us if we are killed.
 * It polls our pid; when we are gone or `deadlineMs` passes, it kills the recorded groups
 * (and us, on a deadline) and removes `labDir` unless `keep`.
 */
export function startWatchdog(labDir: string, deadlineMs: number, keep: boolean): ChildProcess {
  const script = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      script,
      String(process.pid),
      labDir,
      String(Date.now() + deadlineMs),
      keep ? 'keep' : 'remove',
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  return child;
}
