/**
 * note prints a measured figure from a test (the issue asks for them in the report), on
 * stdout so vitest shows it with the test; tests never assert on wall-clock figures beyond the
 * containment bounds the issue sets.
 */
export function note(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** processGone waits up to `ms` for a killed process to be reaped (a zombie still answers signal 0). */
export async function processGone(pid: number, ms = 2000): Promise<boolean> {
  for (const until = performance.now() + ms; performance.now() < until; ) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
