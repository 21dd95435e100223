// The lab's watchdog: a detached process that cleans up if the lab runner cannot.
// argv: parentPid labDir deadlineEpochMs keep|remove
// While the runner lives and the deadline has not passed, it sleeps. Then it kills every
// process group listed in <labDir>/pgids (SIGTERM, then SIGKILL), and removes labDir.
// Plain JavaScript so it starts in milliseconds and needs nothing but Node.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [parentArg, labDir, deadlineArg, keepArg] = process.argv.slice(2);
const parent = Number(parentArg);
const deadline = Number(deadlineArg);
if (!parent || !labDir || !deadline) process.exit(2);

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const groups = () => {
  try {
    return readFileSync(join(labDir, 'pgids'), 'utf8')
      .split('\n')
      .map(Number)
      .filter((n) => n > 1);
  } catch {
    return [];
  }
};
const killGroups = (sig) => {
  for (const pgid of groups()) {
    try {
      process.kill(-pgid, sig);
    } catch {
      // gone already
    }
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

while (alive(parent) && Date.now() < deadline) await sleep(500);
if (alive(parent)) {
  // Deadline: let the runner clean up and report, then force it.
  process.stderr.write(`lab watchdog: deadline passed, stopping runner ${parent}\n`);
  try {
    process.kill(parent, 'SIGTERM');
  } catch {
    // exited meanwhile
  }
  for (let i = 0; i < 20 && alive(parent); i++) await sleep(250);
  if (alive(parent)) process.kill(parent, 'SIGKILL');
}
killGroups('SIGTERM');
await sleep(1000);
killGroups('SIGKILL');
if (keepArg !== 'keep') rmSync(labDir, { recursive: true, force: true });
