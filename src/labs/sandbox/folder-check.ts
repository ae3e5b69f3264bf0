import { lstatSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { VigilError } from '../../shared/index.js';
import type { Identity } from './host.js';

const MAX_ENTRIES = 50_000;

/**
 * checkPrototypeFolder returns the folder's real path after making sure nothing inside it
 * reaches outside. Node 20's permission model checks the path a prototype opens, not where a
 * symlink leads (measured: a link to /etc/passwd inside an allowed folder is readable), and a
 * hard link is another name for a file that may live anywhere on the same disk. So a symlink
 * whose target leaves the folder, or a file with more than one link, refuses the folder.
 * Runs when a child is started, so a folder changed after the experiment was created is
 * checked again. With an `identity` (the unprivileged user children run as when the server is
 * root), every folder on the way and every file inside must be readable by that user: a
 * prototype under /root would otherwise fail to load with a puzzling permission error.
 */
export function checkPrototypeFolder(folder: string, identity?: Identity | null): string {
  let root: string;
  try {
    root = realpathSync(folder);
  } catch (e) {
    throw new VigilError('prototype_unavailable', `source.path: ${folder} cannot be read`, {
      status: 409,
      cause: e,
    });
  }
  const inside = (p: string) => p === root || p.startsWith(root + sep);
  const refuse = (path: string, why: string) =>
    new VigilError('prototype_unsafe', `source.path: ${path} ${why}; Labs refuses the folder`, {
      status: 409,
      field: 'source.path',
    });
  const who = identity && identity.uid !== 0 ? identity : null;
  const unreadable = (path: string) =>
    new VigilError(
      'prototype_unavailable',
      `source.path: ${path} is not readable by the sandbox user (uid ${who?.uid}, gid ${who?.gid}); ` +
        'make the folder readable by others (chmod -R o+rX on it, o+x on its parents) or set VIGIL_LABS_SANDBOX_USER',
      { status: 409, field: 'source.path' },
    );
  // A folder that is unsafe says so first; one the sandbox user cannot read, after the walk.
  let firstUnreadable: string | undefined;
  if (who) {
    for (let dir = dirname(root); ; dir = dirname(dir)) {
      if (!allows(statSync(dir), who, 1)) firstUnreadable ??= dir;
      if (dir === dirname(dir)) break;
    }
    if (!allows(statSync(root), who, 5)) firstUnreadable ??= root;
  }
  let seen = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) throw refuse(root, `holds more than ${MAX_ENTRIES} entries`);
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(path);
        } catch {
          continue; // A dangling link opens nothing.
        }
        if (!inside(target)) throw refuse(path, `links outside the folder (to ${target})`);
        continue;
      }
      if (entry.isDirectory()) {
        if (who && !allows(lstatSync(path), who, 5)) firstUnreadable ??= path;
        walk(path);
      } else if (entry.isFile()) {
        const st = lstatSync(path);
        if (st.nlink > 1)
          throw refuse(path, 'is a hard link (it could be a file outside the folder); copy it instead');
        if (who && !allows(st, who, 4)) firstUnreadable ??= path;
      }
    }
  };
  walk(root);
  if (firstUnreadable !== undefined) throw unreadable(firstUnreadable);
  return root;
}

/** allows tells whether `who` (no supplementary groups) has the access bits `want` (r=4, x=1) on a file. */
function allows(st: Stats, who: Identity, want: number): boolean {
  const bits =
    st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
  return (bits & want) === want;
}
