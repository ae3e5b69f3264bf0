import { type Command, Option } from 'commander';
import { AuditLog, isKeyId, KeyStore, ROLES, type Role } from '../auth/index.js';
import { checkName, systemClock, VigilError } from '../shared/index.js';
import type { StoreOptions } from '../store/index.js';
import { apiCall } from './api-client.js';
import { failCli, openCliStore } from './cli-errors.js';
import { addStoreOptions, storeOptionsOf } from './store-options.js';

type Format = 'text' | 'json';

async function withStore<T>(storeOpts: StoreOptions, fn: (keys: KeyStore, audit: AuditLog) => Promise<T>) {
  const store = await openCliStore(storeOpts);
  try {
    return await fn(new KeyStore(store, systemClock), new AuditLog(store, systemClock));
  } finally {
    await store.close();
  }
}

/** runKeysCreate makes a key (the way to the first admin key) and prints it, once. */
export async function runKeysCreate(
  opts: { project: string; role: Role; name?: string; format: Format },
  storeOpts: StoreOptions,
): Promise<string> {
  const project = checkName(opts.project, '--project');
  return withStore(storeOpts, async (keys, audit) => {
    const { id, key, row } = await keys.create(project, opts.role, opts.name ?? '');
    await audit.record({
      project,
      actor: 'cli',
      action: 'key.create',
      target: id,
      detail: { role: row.role, name: row.name },
    });
    if (opts.format === 'json')
      return `${JSON.stringify({ id, key, project, role: row.role, name: row.name })}\n`;
    return [
      `created ${row.role} key ${id} for project ${project}`,
      key,
      'store it now: Vigil keeps only a hash and cannot show it again',
      '',
    ].join('\n');
  });
}

export async function runKeysList(opts: { project?: string; format: Format }, storeOpts: StoreOptions) {
  const project = opts.project === undefined ? undefined : checkName(opts.project, '--project');
  return withStore(storeOpts, async (keys) => {
    const list = await keys.list(project);
    if (opts.format === 'json') return `${JSON.stringify({ keys: list }, null, 2)}\n`;
    if (list.length === 0) return 'no keys\n';
    const rows = list.map((k) =>
      [
        k.id,
        k.project,
        k.role,
        k.revoked ? `revoked ${k.revoked}` : 'active',
        k.last_used ?? 'never',
        k.name,
      ].join('\t'),
    );
    return `${['id', 'project', 'role', 'state', 'last_used', 'name'].join('\t')}\n${rows.join('\n')}\n`;
  });
}

export async function runKeysRevoke(id: string, opts: { format: Format }, storeOpts: StoreOptions) {
  if (!isKeyId(id))
    throw new VigilError(
      'invalid_key_id',
      `KEY_ID: not a key id (16 hex digits): ${JSON.stringify(id).slice(0, 80)}`,
    );
  return withStore(storeOpts, async (keys, audit) => {
    const row = await keys.revoke(undefined, id);
    if (!row) throw new VigilError('not_found', `key ${id} not found`);
    await audit.record({
      project: row.project,
      actor: 'cli',
      action: 'key.revoke',
      target: id,
      detail: { role: row.role, name: row.name },
    });
    const revoked = new Date(row.revoked).toISOString();
    return opts.format === 'json'
      ? `${JSON.stringify({ id, project: row.project, revoked })}\n`
      : `revoked key ${id} of project ${row.project}; running servers refuse it within seconds\n`;
  });
}

function fail(e: unknown): never {
  return failCli(e);
}

/** ServerFlags: with --server the command goes through the HTTP API (/v1/keys) instead of the store. */
interface ServerFlags {
  server?: string;
  apiKey?: string;
}

const serverOptions = (cmd: Command) =>
  cmd
    .option(
      '--server <url>',
      'go through a running Vigil server (its /v1/keys, admin key) instead of the store',
    )
    .option('--api-key <key>', 'admin API key for --server (default: $VIGIL_API_KEY)');

interface ApiKeyRow {
  id: string;
  role: string;
  name: string;
  created: string;
  last_used: string | null;
  revoked: string | null;
}

/** keysOverHttp runs create | list | revoke through a server's /v1/keys (the key decides the project). */
async function keysOverHttp(
  action: 'create' | 'list' | 'revoke',
  opts: ServerFlags & { project?: string; role?: Role; name?: string; format: Format; id?: string },
): Promise<string> {
  const server = {
    server: opts.server ?? '',
    apiKey: opts.apiKey ?? process.env['VIGIL_API_KEY'],
    project: opts.project,
  };
  if (action === 'create') {
    const r = await apiCall<{ id: string; key: string; project: string; role: string; name: string }>(
      server,
      'POST',
      '/v1/keys',
      { role: opts.role, name: opts.name ?? '' },
    );
    if (opts.format === 'json') return `${JSON.stringify(r)}\n`;
    return [
      `created ${r.role} key ${r.id} for project ${r.project}`,
      r.key,
      'store it now: Vigil keeps only a hash and cannot show it again',
      '',
    ].join('\n');
  }
  if (action === 'revoke') {
    const r = await apiCall<{ id: string; revoked: string }>(
      server,
      'DELETE',
      `/v1/keys/${encodeURIComponent(opts.id ?? '')}`,
    );
    return opts.format === 'json'
      ? `${JSON.stringify(r)}\n`
      : `revoked key ${opts.id}; running servers refuse it within seconds\n`;
  }
  const { keys } = await apiCall<{ keys: ApiKeyRow[] }>(server, 'GET', '/v1/keys');
  if (opts.format === 'json') return `${JSON.stringify({ keys }, null, 2)}\n`;
  if (keys.length === 0) return 'no keys\n';
  const rows = keys.map((k) =>
    [k.id, k.role, k.revoked ? `revoked ${k.revoked}` : 'active', k.last_used ?? 'never', k.name].join('\t'),
  );
  return `${['id', 'role', 'state', 'last_used', 'name'].join('\t')}\n${rows.join('\n')}\n`;
}

const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

/**
 * registerKeysCommands adds `vigil keys create | list | revoke`, working on the store directly
 * (`--data` / `--clickhouse-url`): the way to make the first admin key before a server runs.
 * With the embedded store, stop the server first (chdb has one owner per data folder).
 */
export function registerKeysCommands(program: Command): Command {
  const keys = program.command('keys').description('API keys: create (shown once), list, revoke');
  addStoreOptions(
    keys
      .command('create')
      .description('create an API key and print it once')
      .requiredOption('--project <name>', 'project the key belongs to')
      .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).makeOptionMandatory())
      .option('--name <name>', 'a label for the key (who or what uses it)')
      .addOption(formatOption()),
  );
  serverOptions(keys.commands[keys.commands.length - 1] as Command).action(async (opts) => {
    try {
      process.stdout.write(
        opts.server ? await keysOverHttp('create', opts) : await runKeysCreate(opts, storeOptionsOf(opts)),
      );
    } catch (e) {
      fail(e);
    }
  });
  addStoreOptions(
    keys
      .command('list')
      .description('list keys (never the keys themselves), with last use and revocation')
      .option('--project <name>', 'only this project (with --server: the key decides the project)')
      .addOption(formatOption()),
  );
  serverOptions(keys.commands[keys.commands.length - 1] as Command).action(async (opts) => {
    try {
      process.stdout.write(
        opts.server ? await keysOverHttp('list', opts) : await runKeysList(opts, storeOptionsOf(opts)),
      );
    } catch (e) {
      fail(e);
    }
  });
  addStoreOptions(
    keys
      .command('revoke')
      .description('revoke a key: servers refuse it at once on the node, within seconds elsewhere')
      .argument('<key_id>', 'the id of the key (the part after vgl_, before the next _)')
      .addOption(formatOption()),
  );
  serverOptions(keys.commands[keys.commands.length - 1] as Command).action(async (id: string, opts) => {
    try {
      process.stdout.write(
        opts.server
          ? await keysOverHttp('revoke', { ...opts, id })
          : await runKeysRevoke(id, opts, storeOptionsOf(opts)),
      );
    } catch (e) {
      fail(e);
    }
  });
  return keys;
}
