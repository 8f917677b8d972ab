import { readFileSync } from 'node:fs';

export interface SampledProcess {
  readonly name: string;
  readonly pid: number | undefined;
}

export interface MemorySampler {
  /** Stops sampling; the largest resident size seen per process, in MB. */
  stop(): Record<string, number>;
}

const SAMPLE_MS = 500;

/** Samples each process's resident set (VmRSS of /proc/<pid>/status) twice a second, keeping the largest. */
export function sampleMemory(processes: () => readonly SampledProcess[]): MemorySampler {
  const maxMb: Record<string, number> = {};
  const sample = () => {
    for (const { name, pid } of processes()) {
      const mb = residentMb(pid);
      if (mb !== undefined) maxMb[name] = Math.max(maxMb[name] ?? 0, mb);
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return maxMb;
    },
  };
}

function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined; // The process ended between two samples.
  }
}
