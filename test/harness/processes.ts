/** Processes as Linux's /proc shows them: for tests that kill a process mid-run or check that none is left. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** The command name (at most 15 characters; a script's file name). */
  name: string;
  ppid: number;
}

/** The machine's processes that are not zombies (in a container, PID 1 may never reap an orphan). */
export function liveProcesses(): ProcessInfo[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    const stat = procStat(Number(entry));
    return stat && stat.state !== 'Z' ? [{ pid: stat.pid, name: stat.name, ppid: stat.ppid }] : [];
  });
}

/** Live direct children of `parent` (this process by default), only those named `name` if given. */
export function childPids(parent = process.pid, name?: string): number[] {
  return liveProcesses()
    .filter((p) => p.ppid === parent && (name === undefined || p.name === name))
    .map((p) => p.pid);
}

export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function procStat(pid: number): (ProcessInfo & { state: string }) | undefined {
  try {
    // The name may hold spaces or parens: the fields after it start after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), state: state!, ppid: Number(ppid) };
  } catch {
    return undefined; // exited while we looked
  }
}
