import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { VigilError } from '../../shared/errors.js';

const MAX_ENTRIES = 50_000;

/**
 * checkPrototypeFolder returns the folder's real path after making sure nothing inside it
 * reaches outside. Node 20's permission model checks the path a prototype opens, not where a
 * symlink leads (measured: a link to /etc/passwd inside an allowed folder is readable), and a
 * hard link is another name for a file that may live anywhere on the same disk. So a symlink
 * whose target leaves the folder, or a file with more than one link, refuses the folder.
 * Runs when a child is started, so a folder changed after the experiment was created is
 * checked again.
 */
export function checkPrototypeFolder(folder: string): string {
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
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && lstatSync(path).nlink > 1)
        throw refuse(path, 'is a hard link (it could be a file outside the folder); copy it instead');
    }
  };
  walk(root);
  return root;
}
