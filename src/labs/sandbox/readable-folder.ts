import { chmodSync, cpSync, rmSync } from 'node:fs';
import { checkPrototypeFolder } from './folder-check.js';
import { sandboxIdentity } from './host.js';

/**
 * sandboxReadableFolder answers a folder the sandbox user can read with the prototype in
 * `folder`: the folder itself when it can (or when children run as the server's own user), else
 * a fresh copy at `copyTo` (world-readable). A root server runs children as nobody, and a
 * checkout under a private folder such as /root is not readable by nobody: the demo and the
 * tests ship their prototypes inside the checkout, so they stage a copy instead of failing.
 */
export function sandboxReadableFolder(folder: string, copyTo: string): string {
  const identity = sandboxIdentity();
  if (!identity) return folder;
  try {
    checkPrototypeFolder(folder, identity);
    return folder;
  } catch {
    rmSync(copyTo, { recursive: true, force: true });
    cpSync(folder, copyTo, { recursive: true });
    chmodSync(copyTo, 0o755);
    checkPrototypeFolder(copyTo, identity);
    return copyTo;
  }
}
