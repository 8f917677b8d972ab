import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds spent so far, per part of the system: each service, ferretdb, postgres, nats-server, and the benchmark itself. */
export type CpuTimes = Record<string, number>;

/**
 * The CPU time of the benchmark's process and every process under it (the services, FerretDB, PostgreSQL
 * and NATS that `npm run bench` starts), summed by part. On a machine shared with other work, wall
 * time swings with the load; the CPU time a piece of work costs each process swings much less, so it
 * shows where a sync's cost over its floor goes. Reaped children count in their parent
 * (PostgreSQL's ended backends in the postmaster's). Linux only.
 */
export function cpuTimes(rootPid = process.pid): CpuTimes {
  const processes = new Map<number, { ppid: number; ticks: number; part: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state, ppid, ... utime (14), stime, cutime, cstime.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      processes.set(Number(entry), { ppid: Number(fields[1]), ticks, part: partOf(readFileSync(`/proc/${entry}/cmdline`, 'utf8')) });
    } catch {
      // The process ended while the list was read.
    }
  }
  const times: CpuTimes = {};
  for (const [pid, info] of processes) {
    if (!descendsFrom(pid, rootPid, processes)) continue;
    const part = pid === rootPid ? 'bench' : info.part;
    times[part] = (times[part] ?? 0) + (info.ticks * 1000) / TICKS_PER_SECOND;
  }
  return times;
}

/** What was spent between two readings, per part (parts that spent nothing are left out). */
export function cpuSpent(before: CpuTimes, after: CpuTimes): CpuTimes {
  const spent: CpuTimes = {};
  for (const [part, ms] of Object.entries(after)) {
    const delta = ms - (before[part] ?? 0);
    if (delta > 0) spent[part] = delta;
  }
  return spent;
}

function descendsFrom(pid: number, rootPid: number, processes: ReadonlyMap<number, { ppid: number }>): boolean {
  for (let current: number | undefined = pid, hops = 0; current !== undefined && hops < 64; hops += 1) {
    if (current === rootPid) return true;
    current = processes.get(current)?.ppid;
  }
  return false;
}

function partOf(cmdline: string): string {
  const args = cmdline.split('\0');
  const service = /dist\/apps\/([^/]+)\//.exec(cmdline);
  if (service) return service[1];
  const program = args[0].split('/').pop() ?? args[0];
  return program === 'postgres' || program.startsWith('postgres:') ? 'postgres' : program;
}
