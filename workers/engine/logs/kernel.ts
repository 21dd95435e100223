import { decodeSelinux } from './selinux.ts';
import { fromAsctime } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * Kernel OOM-killer lines as dmesg (`[ 7063.247407] …`, seconds since boot), `dmesg -T`
 * (`[Tue Mar 26 14:03:21 2024] …`) and syslog/journald (`… kernel: …`) show them. The
 * since-boot stamp is not a wall-clock time: it stays in `fields.uptime`, never in `time`.
 */

const UPTIME = /^\[\s*(\d+\.\d+)\]\s?(.*)$/;
const WALL = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4})\]\s?(.*)$/;
// Wordings across kernels (mm/oom_kill.c): "Out of memory: Kill process N (x) score S or
// sacrifice child" then "Killed process N (x) total-vm:…" (to 4.x; RHEL 7 adds ", UID u"),
// "Out of memory: Killed process N (x) total-vm:…" (5.0+), "Out of Memory: Killed process N
// (x)." (2.6), and the cgroup's "Memory cgroup out of memory: …" of each.
const KILL =
  /^(?:(Memory cgroup out of memory|Out of [Mm]emory(?: \(oom_kill_allocating_task\))?): )?Kill(ed)? process (\d+) \(([^)]*)\)(.*)$/;
// 4.19+: one line naming the victim and its cgroup before the kill:
// "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=…,oom_memcg=/kubepods/…,
// task_memcg=/kubepods/…,task=gunicorn,pid=3177,uid=1000".
const CONSTRAINT = /^oom-kill:constraint=(\w+),(.*)$/;
const INVOKED = /^(.+?) invoked oom-killer: (.*)$/;

function readKill(m: RegExpExecArray, fields: Fields): void {
  if (m[1]) fields.trigger = m[1].startsWith('Memory cgroup') ? 'cgroup' : 'system';
  fields.victimPid = Number(m[3]);
  fields.process = m[4]!;
  const rest = m[5]!;
  const rss = /anon-rss:(\d+)kB/.exec(rest);
  if (rss) fields.anonRssKb = Number(rss[1]);
  const total = /total-vm:(\d+)kB/.exec(rest);
  if (total) fields.totalVmKb = Number(total[1]);
  const adj = /oom_score_adj:(-?\d+)/.exec(rest);
  if (adj) fields.oomScoreAdj = Number(adj[1]);
}

export function decodeKernel(body: string, wrapper: Wrapper): DecodedLine | null {
  const fields: Fields = {};
  let message = body;
  let time: string | undefined;
  let stamped = false;
  let m: RegExpExecArray | null;
  if ((m = UPTIME.exec(body))) {
    fields.uptime = Number(m[1]);
    message = m[2]!;
    stamped = true;
  } else if ((m = WALL.exec(body))) {
    time = fromAsctime(m[1]!);
    message = m[2]!;
    stamped = true;
  }
  const fromKernel = stamped || wrapper.program === 'kernel';
  // The kernel log carries SELinux's audit records too.
  if (fromKernel && message.startsWith('audit: type=1400 ')) return decodeSelinux(message, wrapper);
  let kind: string | null = null;
  if ((m = KILL.exec(message))) {
    // "Killed process N (x)" alone could be anyone's words: require the kernel's stamp or tail.
    if (m[1] || fromKernel || /total-vm:|score \d+ or sacrifice child/.test(m[5]!)) {
      readKill(m, fields);
      kind = 'oom-kill';
    }
  } else if ((m = CONSTRAINT.exec(message))) {
    fields.constraint = m[1]!;
    const rest = m[2]!;
    const task = /(?:^|,)task=([^,]*)/.exec(rest);
    const pid = /(?:^|,)pid=(\d+)/.exec(rest);
    const memcg = /(?:^|,)task_memcg=([^,]*)/.exec(rest);
    if (task) fields.process = task[1]!;
    if (pid) fields.victimPid = Number(pid[1]);
    if (memcg) fields.memcg = memcg[1]!;
    kind = 'oom-target';
  } else if ((m = INVOKED.exec(message)) && /gfp_mask=|order=|oom_score_adj=/.test(m[2]!)) {
    fields.process = m[1]!;
    const adj = /oom_score_adj=(-?\d+)/.exec(m[2]!);
    if (adj) fields.oomScoreAdj = Number(adj[1]);
    kind = 'oom-invoked';
  }
  if (!kind) {
    if (!fromKernel) return null;
    kind = 'other';
    fields.message = message;
  }
  const out: DecodedLine = { source: 'kernel', kind };
  if (time) out.time = time;
  out.fields = fields;
  return out;
}
