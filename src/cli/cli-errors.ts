import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage, isVigilError, VigilError } from '../shared/index.js';
import { openStore, type Store, type StoreOptions } from '../store/index.js';

// What a ClickHouse message looks like: never shown to a user as it is.
const RAW_CLICKHOUSE = /DB::Exception|Code: \d+\.|\([A-Z][A-Z_]{3,}\)/;

/**
 * cliMessage is what the CLI prints for an error: a VigilError's sentence, with any ClickHouse
 * wording that came through it (`Code: 76. DB::Exception: …`) reduced to plain words; the store
 * errors of src/store/errors.ts keep their sentence.
 */
export function cliMessage(e: unknown): string {
  if (!isVigilError(e)) return `unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  const message = e.message;
  if (
    /Failed to create connection for path|Cannot lock file|Another server instance in same directory/.test(
      message,
    )
  )
    return heldMessage(undefined);
  if (!RAW_CLICKHOUSE.test(message)) return message;
  return (message.split('\n')[0] ?? '')
    .replace(/Code: \d+\.\s*/g, '')
    .replace(/DB::Exception:\s*/g, '')
    .replace(/\s*\([A-Z][A-Z_]{3,}\)/g, '')
    .replace(/\s*\(version [^)]*\)/g, '')
    .replace(/:? In scope .*$/, '');
}

/** failCli prints the error the CLI way (`vigil: …` on stderr) and exits 2, "could not do it". */
export function failCli(e: unknown): never {
  console.error(`vigil: ${cliMessage(e)}`);
  process.exit(2);
}

const heldMessage = (dir: string | undefined, pid?: number, how = SERVER_HINT) =>
  `${dir ? `the data folder ${dir}` : 'the data folder'} is held by a running Vigil server${pid ? ` (process ${pid})` : ''}: ` +
  `an embedded store has one owner at a time. ${how}`;

/** SERVER_HINT is how to proceed when a server holds the folder, for commands with an HTTP path. */
export const SERVER_HINT =
  'Go through that server instead: add --server URL (e.g. --server http://127.0.0.1:7420) and --api-key KEY (or VIGIL_API_KEY), or stop the server first.';

/**
 * folderHolder gives the process id of a live process holding an embedded data folder, from the
 * `status` file ClickHouse writes there (`PID: N`), or undefined when none does (no file, or
 * the process is gone: a crash leaves the file, not the lock).
 */
export function folderHolder(dataDir: string): number | undefined {
  const status = join(dataDir, 'status');
  if (!existsSync(status)) return undefined;
  const pid = Number(/PID:\s*(\d+)/.exec(readFileSync(status, 'utf8'))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * openCliStore opens the store for a CLI command. An embedded folder that a running server holds
 * is a clear error before ClickHouse is asked (which would print its own `Code: 76` line):
 * `how` says how to proceed for this command.
 */
export async function openCliStore(storeOpts: StoreOptions, how = SERVER_HINT): Promise<Store> {
  if (!storeOpts.clickhouseUrl && storeOpts.dataDir) {
    const dir = resolve(storeOpts.dataDir);
    const pid = folderHolder(dir);
    if (pid !== undefined)
      throw new VigilError('data_in_use', heldMessage(storeOpts.dataDir, pid, how), { field: '--data' });
  }
  try {
    return await openStore(storeOpts);
  } catch (e) {
    const message = errorMessage(e);
    if (/Failed to create connection for path|Cannot lock file|Another server instance/.test(message))
      throw new VigilError('data_in_use', heldMessage(storeOpts.dataDir, undefined, how), {
        field: '--data',
        cause: e,
      });
    throw e;
  }
}
