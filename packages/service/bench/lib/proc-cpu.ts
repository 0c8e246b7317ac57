/**
 * CPU time of other processes on this machine, for the benchmarks' "who spent the CPU" figures:
 * a process tree's user + system time from Linux's /proc (a PostgreSQL cluster is its postmaster
 * and every backend under it; a service process is one node process). Elsewhere (no /proc) every
 * reading is null and the figures print as n/a.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null | undefined;
function clockTicks(): number | null {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || null;
    } catch {
      ticksPerSecond = null;
    }
  }
  return ticksPerSecond;
}

interface ProcStat {
  ppid: number;
  /** utime + stime of the process itself, in clock ticks. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  reaped: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; the fields follow the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds used so far by process `root` and every process under it (the live ones, and
 * the exited ones its tree has waited for), or null where /proc cannot tell.
 */
export function treeCpuMs(root: number): number | null {
  const hz = clockTicks();
  const top = procStat(root);
  if (!hz || !top) return null;
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const s = procStat(pid);
    if (!s) continue;
    stats.set(pid, s);
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  let ticks = top.own + top.reaped;
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      ticks += stats.get(c)!.own + stats.get(c)!.reaped;
      walk(c);
    }
  };
  walk(root);
  return (ticks * 1000) / hz;
}

/** A running CPU meter over a set of process trees: `read()` is the CPU ms used since `start`. */
export function cpuMeter(roots: readonly number[]): { read(): number | null } {
  const at = (): number | null => {
    let sum = 0;
    for (const r of roots) {
      const ms = treeCpuMs(r);
      if (ms === null) return null;
      sum += ms;
    }
    return sum;
  };
  const start = at();
  return {
    read() {
      const now = at();
      return start === null || now === null ? null : now - start;
    },
  };
}

/**
 * The postmaster of a PostgreSQL backend with pid `backendPid` (`SELECT pg_backend_pid()`), when
 * that backend is a postgres process on this machine; null otherwise (a remote cluster, no /proc).
 */
export function localPostmasterOf(backendPid: number): number | null {
  try {
    const cmdline = readFileSync(`/proc/${backendPid}/cmdline`, 'utf8');
    if (!/postgres/.test(cmdline)) return null;
  } catch {
    return null;
  }
  return procStat(backendPid)?.ppid ?? null;
}
