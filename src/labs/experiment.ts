import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  badRequest,
  ENVIRONMENTS,
  type Environment,
  isEnvironment,
  NAME_RE,
  type OutboundGuard,
  OutboundRefused,
  VigilError,
} from '../shared/index.js';
import { parseShape, type Shape } from './json-shape.js';

export const STATES = ['draft', 'live', 'paused', 'killed'] as const;
export type ExperimentState = (typeof STATES)[number];

export const OUTCOMES = ['ok', 'error', 'timeout', 'rejected', 'fallback'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type ModuleSource = { type: 'module'; path: string };
export type HttpSource = { type: 'http'; url: string; protocol: 'json' | 'v2' };
export type SourceConfig = ModuleSource | HttpSource;

export interface Limits {
  timeout_ms: number;
  concurrency: number;
  rate_per_user_per_min: number;
  memory_mb: number;
  budget_usd: number | null;
  max_input_bytes: number;
  max_output_bytes: number;
  circuit_failures: number;
  circuit_cooldown_ms: number;
  query_max_rows: number;
}

export interface Prices {
  cpu_hour_usd: number;
  gb_hour_usd: number;
  request_usd: number;
}

/**
 * Experiment is a Labs experiment as stored (Entities kind `labs_experiment`). The allow-list
 * is kept as keyed user hashes only, like every other user reference Labs stores.
 */
export interface Experiment {
  id: string;
  project: string;
  name: string;
  description: string;
  owner: string;
  terms: string;
  source: SourceConfig;
  allocation: { percent: number; allow_hashes: string[] };
  limits: Limits;
  prices: Prices;
  capture_payloads: boolean;
  fallback: { output: unknown } | null;
  input_schema: Shape | null;
  output_schema: Shape | null;
  /** shadow: mirror a share of a production model's records to the prototype (absent on older experiments). */
  shadow?: ShadowConfig | null;
  state: ExperimentState;
  created: string;
  updated: string;
}

/**
 * ShadowConfig: `percent` of the production records of `model` (chosen by a hash of the record
 * id, so a record is in or out on every node) are sent to the prototype after ingest has
 * answered; its outputs are logged as records of `model`, version `version`, in `environment`
 * (default `lab`, so production views never count them), with the production record's id,
 * time, features and tags — never returned to anyone. `queue` bounds the records waiting for
 * the prototype; past it they are dropped and counted.
 */
export interface ShadowConfig {
  model: string;
  version: string;
  environment: Environment;
  percent: number;
  queue: number;
}

export const SHADOW_QUEUE = { min: 1, max: 100_000, default: 1000 } as const;

export const ENTITY_KIND = 'labs_experiment';

/**
 * LIMIT_RANGES bounds every limit: [min, max, default]. The maxima of concurrency and memory_mb
 * here are the ceilings an operator may raise LimitMaxima to; experiments get LimitMaxima.
 */
const LIMIT_RANGES = {
  timeout_ms: [10, 120_000, 1000],
  concurrency: [1, 256, 8],
  rate_per_user_per_min: [1, 1_000_000, 60],
  memory_mb: [32, 16_384, 256],
  max_input_bytes: [16, 16 * 1024 * 1024, 64 * 1024],
  max_output_bytes: [16, 16 * 1024 * 1024, 64 * 1024],
  circuit_failures: [1, 1000, 5],
  circuit_cooldown_ms: [50, 3_600_000, 30_000],
  query_max_rows: [1, 100_000, 1000],
} as const satisfies Record<Exclude<keyof Limits, 'budget_usd'>, readonly [number, number, number]>;

/**
 * LimitMaxima are the operator's ceilings on what one experiment may take (issue 14: with 256
 * and 16,384 one editor could claim the host's memory): `memory_mb` per sandbox, `concurrency`,
 * and `total_memory_mb` for concurrency × memory_mb. `vigil serve` reads them from
 * VIGIL_LABS_MAX_MEMORY_MB, VIGIL_LABS_MAX_CONCURRENCY, VIGIL_LABS_MAX_TOTAL_MEMORY_MB.
 */
export interface LimitMaxima {
  memory_mb: number;
  concurrency: number;
  total_memory_mb: number;
}

export const DEFAULT_MAXIMA: LimitMaxima = { memory_mb: 2048, concurrency: 32, total_memory_mb: 8192 };

/** MAXIMA_CEILINGS: how far an operator may raise LimitMaxima. */
export const MAXIMA_CEILINGS: LimitMaxima = {
  memory_mb: LIMIT_RANGES.memory_mb[1],
  concurrency: LIMIT_RANGES.concurrency[1],
  total_memory_mb: LIMIT_RANGES.memory_mb[1] * LIMIT_RANGES.concurrency[1],
};

/** FEATURE_RE is the shape of product feature and model part names (they label report rows). */
export const FEATURE_RE = /^[A-Za-z0-9_.:/ -]{1,128}$/;

/** ENTRY_FILES are the prototype entry points, in the order they are looked for. */
export const ENTRY_FILES = ['index.mjs', 'index.js', 'index.ts'] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(body: Json, field: string, max: number, fallback?: string): string {
  const v = body[field];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw badRequest(field, 'is required');
  }
  if (typeof v !== 'string') throw badRequest(field, 'must be a string');
  if (v.length > max) throw badRequest(field, `must be at most ${max} characters`);
  return v;
}

function number(
  obj: Json,
  key: string,
  field: string,
  range: readonly [number, number, number],
  integer: boolean,
): number {
  const v = obj[key];
  if (v === undefined || v === null) return range[2];
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw badRequest(field, integer ? 'must be an integer' : 'must be a number');
  if (v < range[0] || v > range[1]) throw badRequest(field, `must be from ${range[0]} to ${range[1]}`);
  return v;
}

function price(obj: Json, key: string): number {
  const v = obj[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw badRequest(`prices.${key}`, 'must be a number ≥ 0');
  return v;
}

/**
 * entryFileOf finds a prototype folder's entry point. Every way a folder can be unusable (it
 * does not exist, is a file, cannot be read, holds no entry point) gets the same message, so the
 * answer never tells a caller whether some path exists on the server.
 */
export function entryFileOf(folder: string, field = 'source.path'): string {
  if (!isAbsolute(folder)) throw badRequest(field, 'must be an absolute path to the prototype folder');
  const unusable = () =>
    badRequest(
      field,
      `${folder} is not a prototype folder: it must be a folder this server can read holding index.mjs or index.js${supportsTypeStripping() ? ' or index.ts' : ''} that exports score(input, ctx)${supportsTypeStripping() ? '' : ` (index.ts needs Node.js 22.6 or later; this is ${process.version}: compile it to index.mjs)`}`,
    );
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw unusable();
  for (const name of ENTRY_FILES) {
    if (!existsSync(`${folder}/${name}`)) continue;
    if (name === 'index.ts' && !supportsTypeStripping()) continue;
    return name;
  }
  throw unusable();
}

/** supportsTypeStripping tells whether this Node can run .ts files (22.6 and later). */
export function supportsTypeStripping(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 6);
}

function parseSource(v: unknown): SourceConfig {
  if (!isObject(v)) throw badRequest('source', 'must be an object with a type: module or http');
  if (v['type'] === 'module') {
    const path = v['path'];
    if (typeof path !== 'string' || path === '') throw badRequest('source.path', 'is required');
    entryFileOf(path);
    return { type: 'module', path };
  }
  if (v['type'] === 'http') {
    const url = v['url'];
    if (typeof url !== 'string') throw badRequest('source.url', 'is required');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('source.url', 'is not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw badRequest('source.url', 'must be http or https');
    if (parsed.username || parsed.password)
      throw badRequest('source.url', 'must not carry credentials (they would be stored in clear)');
    const protocol = v['protocol'] ?? 'json';
    if (protocol !== 'json' && protocol !== 'v2') throw badRequest('source.protocol', 'must be json or v2');
    return { type: 'http', url: parsed.href, protocol };
  }
  throw badRequest('source.type', 'must be module or http');
}

/**
 * checkSourceUrl refuses an HTTP source whose URL reaches loopback, link-local, private or the
 * store's own addresses (unless the operator allows the host), naming the rule in a 400 on
 * `source.url`. A host that does not resolve yet is accepted here: every call checks again.
 */
export async function checkSourceUrl(source: SourceConfig, outbound: OutboundGuard): Promise<void> {
  if (source.type !== 'http') return;
  try {
    await outbound.check(source.url, { unresolvable: 'accept' });
  } catch (e) {
    if (e instanceof OutboundRefused) throw badRequest('source.url', e.message);
    throw e;
  }
}

/** isHttpSourceBody tells whether a create body asks for an HTTP source (before validation). */
export function isHttpSourceBody(body: unknown): boolean {
  const source = isObject(body) ? body['source'] : undefined;
  return isObject(source) && source['type'] === 'http';
}

function parseLimits(v: unknown, maxima: LimitMaxima): Limits {
  if (v !== undefined && v !== null && !isObject(v)) throw badRequest('limits', 'must be an object');
  const obj = isObject(v) ? v : {};
  for (const key of Object.keys(obj))
    if (!(key in LIMIT_RANGES) && key !== 'budget_usd') throw badRequest(`limits.${key}`, 'is not a limit');
  const out = {} as Record<keyof typeof LIMIT_RANGES, number>;
  for (const [key, range] of Object.entries(LIMIT_RANGES) as Array<
    [keyof typeof LIMIT_RANGES, readonly [number, number, number]]
  >) {
    const max = key === 'memory_mb' || key === 'concurrency' ? Math.min(range[1], maxima[key]) : range[1];
    out[key] = number(obj, key, `limits.${key}`, [range[0], max, Math.min(range[2], max)], true);
  }
  if (out.concurrency * out.memory_mb > maxima.total_memory_mb)
    throw badRequest(
      'limits.concurrency × limits.memory_mb',
      `must be at most ${maxima.total_memory_mb} MB on this server (${out.concurrency} × ${out.memory_mb} = ${out.concurrency * out.memory_mb}); lower one of them`,
    );
  const budget = obj['budget_usd'];
  if (budget !== undefined && budget !== null && (typeof budget !== 'number' || !(budget >= 0)))
    throw badRequest('limits.budget_usd', 'must be null or a number ≥ 0');
  return { ...out, budget_usd: typeof budget === 'number' ? budget : null };
}

function parsePrices(v: unknown): Prices {
  if (v !== undefined && v !== null && !isObject(v)) throw badRequest('prices', 'must be an object');
  const obj = isObject(v) ? v : {};
  for (const key of Object.keys(obj))
    if (!['cpu_hour_usd', 'gb_hour_usd', 'request_usd'].includes(key))
      throw badRequest(`prices.${key}`, 'is not a price');
  return {
    cpu_hour_usd: price(obj, 'cpu_hour_usd'),
    gb_hour_usd: price(obj, 'gb_hour_usd'),
    request_usd: price(obj, 'request_usd'),
  };
}

function parseAllocation(v: unknown, hashUser: (user: string) => string): Experiment['allocation'] {
  if (v !== undefined && v !== null && !isObject(v)) throw badRequest('allocation', 'must be an object');
  const obj = isObject(v) ? v : {};
  const allow = obj['allow'] ?? [];
  if (!Array.isArray(allow) || allow.length > 100_000)
    throw badRequest('allocation.allow', 'must be a list of at most 100000 user ids');
  const hashes = new Set<string>();
  allow.forEach((u, i) => {
    if (typeof u !== 'string' || u === '' || u.length > 256)
      throw badRequest(`allocation.allow.${i}`, 'must be a user id of 1 to 256 characters');
    hashes.add(hashUser(u));
  });
  // An allow-list alone means "only these users"; no allocation at all means "every opted-in user".
  const percent = number(obj, 'percent', 'allocation.percent', [0, 100, hashes.size > 0 ? 0 : 100], false);
  return { percent, allow_hashes: [...hashes].sort() };
}

/**
 * parseExperiment validates a POST /v1/labs/experiments body into a draft experiment, naming
 * the first wrong field. `hashUser` turns allow-listed user ids into keyed hashes, so no user
 * id is ever stored in clear.
 */
export function parseExperiment(
  body: unknown,
  ctx: {
    id: string;
    project: string;
    nowIso: string;
    hashUser: (user: string) => string;
    maxima?: LimitMaxima;
  },
): Experiment {
  if (!isObject(body)) throw badRequest('body', 'must be a JSON object');
  const known = new Set([
    'name',
    'description',
    'owner',
    'terms',
    'source',
    'allocation',
    'limits',
    'prices',
    'capture_payloads',
    'fallback',
    'input_schema',
    'output_schema',
    'shadow',
  ]);
  for (const key of Object.keys(body))
    if (!known.has(key)) throw badRequest(key, 'is not an experiment field');
  const name = text(body, 'name', 200);
  if (name.trim() === '') throw badRequest('name', 'must not be empty');
  const capture = body['capture_payloads'] ?? false;
  if (typeof capture !== 'boolean') throw badRequest('capture_payloads', 'must be true or false');
  const fallback = body['fallback'];
  if (fallback !== undefined && fallback !== null && (!isObject(fallback) || !('output' in fallback)))
    throw badRequest('fallback', 'must be {"output": value} (the answer given when the prototype fails)');
  return {
    id: ctx.id,
    project: ctx.project,
    name,
    description: text(body, 'description', 4000, ''),
    owner: text(body, 'owner', 200, ''),
    terms: text(body, 'terms', 20_000, ''),
    source: parseSource(body['source']),
    allocation: parseAllocation(body['allocation'], ctx.hashUser),
    limits: parseLimits(body['limits'], ctx.maxima ?? DEFAULT_MAXIMA),
    prices: parsePrices(body['prices']),
    capture_payloads: capture,
    fallback: isObject(fallback) ? { output: fallback['output'] } : null,
    input_schema: body['input_schema'] == null ? null : parseShape(body['input_schema'], 'input_schema'),
    output_schema: body['output_schema'] == null ? null : parseShape(body['output_schema'], 'output_schema'),
    shadow: parseShadow(body['shadow'], ctx.id),
    state: 'draft',
    created: ctx.nowIso,
    updated: ctx.nowIso,
  };
}

function parseShadow(v: unknown, id: string): ShadowConfig | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v))
    throw badRequest(
      'shadow',
      'must be an object: {"model": NAME, "percent"?, "version"?, "environment"?, "queue"?}',
    );
  for (const key of Object.keys(v))
    if (!['model', 'version', 'environment', 'percent', 'queue'].includes(key))
      throw badRequest(
        `shadow.${key}`,
        'is not a shadow field (model, version, environment, percent, queue)',
      );
  const model = v['model'];
  if (typeof model !== 'string' || !NAME_RE.test(model))
    throw badRequest('shadow.model', 'must be a model name matching [A-Za-z0-9_.-]{1,128}');
  const version = v['version'] ?? `labs-${id}`;
  if (typeof version !== 'string' || version.length < 1 || version.length > 128)
    throw badRequest('shadow.version', 'must be a version of 1 to 128 characters');
  const environment = v['environment'] ?? 'lab';
  if (!isEnvironment(environment) || environment === 'production')
    throw badRequest(
      'shadow.environment',
      `must be one of ${ENVIRONMENTS.filter((e) => e !== 'production').join(', ')} (shadow outputs never count as production)`,
    );
  return {
    model,
    version,
    environment,
    percent: number(v, 'percent', 'shadow.percent', [0, 100, 100], false),
    queue: number(
      v,
      'queue',
      'shadow.queue',
      [SHADOW_QUEUE.min, SHADOW_QUEUE.max, SHADOW_QUEUE.default],
      true,
    ),
  };
}

/** TRANSITIONS is the experiment state machine; killed is final. */
export const TRANSITIONS: Readonly<Record<ExperimentState, readonly ExperimentState[]>> = {
  draft: ['live', 'killed'],
  live: ['paused', 'killed'],
  paused: ['live', 'killed'],
  killed: [],
};

/** checkTransition accepts a state change (a repeat is a no-op) or throws a 409 naming why. */
export function checkTransition(from: ExperimentState, to: unknown): ExperimentState {
  if (typeof to !== 'string' || !(STATES as readonly string[]).includes(to) || to === 'draft')
    throw badRequest('state', 'must be live, paused or killed');
  const next = to as ExperimentState;
  if (next === from) return next;
  if (!TRANSITIONS[from].includes(next))
    throw new VigilError(
      'invalid_state',
      `state: a ${from} experiment cannot become ${next}${from === 'killed' ? ' (killed is final)' : ''}`,
      { status: 409, field: 'state' },
    );
  return next;
}

/** slugOf makes the readable part of an experiment id from its name. */
export function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'experiment';
}

/** publicView is an experiment as the API shows it: the allow-list as a count of hashed users. */
export function publicView(e: Experiment) {
  const { allocation, ...rest } = e;
  return {
    ...rest,
    allocation: { percent: allocation.percent, allow_users: allocation.allow_hashes.length },
  };
}
