import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Process figures read from /proc by the parent, so they hold even when the prototype lies in
 * what it reports. Linux only: elsewhere every reader answers undefined and Labs uses the
 * child's own report. USER_HZ is 100 on every Linux architecture Node supports.
 */
const USER_HZ = 100;

/** cpuMsOf reads a process's total user+system CPU time in ms (10 ms resolution). */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return ((utime + stime) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** runningOf tells whether a process's main thread is running or runnable (state R), not sleeping. */
export function runningOf(pid: number): boolean | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'R';
  } catch {
    return undefined;
  }
}

/** memoryOf reads resident memory now and its high-water mark, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (rss === undefined || hwm === undefined) return undefined;
    return { rssMb: Number(rss) / 1024, peakMb: Number(hwm) / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * resetPeakMemory restarts a process's VmHWM at its current RSS (clear_refs "5"), so the peak
 * read after a call is that call's peak rather than the child's lifetime peak.
 */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
