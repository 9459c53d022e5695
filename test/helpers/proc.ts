// Looking at real processes through /proc: who are our children, who is in a session, how many
// fds we hold. Used to prove that nothing is left running, unreaped or open.
import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc/<pid>/stat describes it. */
export interface ProcInfo {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Parses /proc/<pid>/stat (the comm field may contain spaces and parentheses). */
function readStat(pid: number): ProcInfo | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return {
      pid,
      comm,
      state: fields[0] ?? '?',
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      session: Number(fields[3]),
    };
  } catch {
    return null; // exited while we looked
  }
}

/** Every process visible in /proc. */
export function allProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** Our direct children, zombies included (state Z). */
export function childrenOf(pid = process.pid): ProcInfo[] {
  return allProcesses().filter((p) => p.ppid === pid);
}

/** Processes in session `sid` (a startNewSession child and everything it started). */
export function sessionMembers(sid: number): ProcInfo[] {
  return allProcesses().filter((p) => p.session === sid);
}

/** Whether a pid is alive and not a zombie. */
export function isAlive(pid: number): boolean {
  const info = readStat(pid);
  return info !== null && info.state !== 'Z';
}

/** How many file descriptors this process has open. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Waits until `check()` is true (polling /proc has no event to wait on), or throws. */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Fails when this process still has children (running or unreaped), after killing the running
 * ones so one failing test does not leave processes behind or cascade into the next.
 */
export function assertNoChildren(): void {
  const left = childrenOf();
  for (const child of left) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (left.length > 0) {
    throw new Error(`children left behind: ${left.map((c) => `${c.pid} ${c.comm} (${c.state})`).join(', ')}`);
  }
}
