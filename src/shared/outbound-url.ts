/*
 * Outbound URLs: the addresses Vigil itself calls on a user's behalf (Labs HTTP sources,
 * monitor webhooks). A user who may write such a URL must not be able to make the server call
 * into its own network: loopback (the ClickHouse HTTP port of a server-mode store answers
 * there), link-local (cloud metadata at 169.254.169.254), private and shared ranges, and the
 * store's own host:port wherever it lives. The operator opens specific hosts with
 * `--allow-outbound HOST[:PORT]` (or VIGIL_ALLOW_OUTBOUND).
 *
 * The check resolves the host name once, refuses the URL if ANY of its addresses is forbidden,
 * and `outboundFetch` then connects to exactly those checked addresses (a custom `lookup`), so
 * a DNS answer that changes between the check and the connection (rebinding) changes nothing.
 * Redirects are never followed: a 3xx is handed back to the caller as it is.
 *
 * A leaf module: node built-ins only.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/** OutboundPolicy is the operator's word on outbound URLs. */
export interface OutboundPolicy {
  /**
   * allow: hosts (`models.internal`, `10.0.0.5`, `::1`) or host:port (`127.0.0.1:9000`,
   * `[::1]:9000`) that may be reached although they resolve to loopback, private or link-local
   * addresses. The store's own host:port opens only when named with its port.
   */
  readonly allow?: readonly string[];
  /** storeUrl: the ClickHouse URL of a server-mode store; its host:port is never a target. */
  readonly storeUrl?: string | undefined;
}

/** OutboundRefused says why a URL may not be called; the message names the rule. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** CheckedTarget is a URL that passed the check, with the addresses a connection may use. */
export interface CheckedTarget {
  readonly url: URL;
  readonly host: string;
  readonly port: number;
  readonly addresses: ReadonlyArray<{ address: string; family: 4 | 6 }>;
}

const HINT =
  'outbound URLs may not reach loopback, link-local or private addresses unless the operator allows the host with --allow-outbound HOST';

// ------------------------------------------------------------------ address classes

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

const V4_RULES: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['169.254.0.0', 16, 'link-local'],
  ['192.0.0.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

function classifyV4(n: number): string | null {
  for (const [base, bits, rule] of V4_RULES) {
    const b = ipv4ToInt(base) as number;
    const size = 2 ** (32 - bits);
    if (n >= b && n < b + size) return rule;
  }
  return null;
}

/** ipv6Groups parses an IPv6 address (with an optional dotted IPv4 tail) into 8 16-bit groups. */
function ipv6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4ToInt(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  if (head === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const rest = parse(halves[1] ?? '');
  if (rest === null || head.length + rest.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

function v4Of(groups: number[], at: number): number {
  return (groups[at] ?? 0) * 65536 + (groups[at + 1] ?? 0);
}

function classifyV6(g: number[]): string | null {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4 inside IPv6: mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, compatible ::a.b.c.d,
  // NAT64 64:ff9b::a.b.c.d and 6to4 2002:AABB:CCDD:: all reach the embedded IPv4 address.
  if (zeros(0, 5) && g[5] === 0xffff) return classifyV4(v4Of(g, 6));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return classifyV4(v4Of(g, 6));
  if (zeros(0, 6)) return classifyV4(v4Of(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyV4(v4Of(g, 6));
  if (g[0] === 0x2002) return classifyV4(v4Of(g, 1));
  const first = g[0] ?? 0;
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((first & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/**
 * classifyAddress names the forbidden class of an IP address ('loopback', 'private',
 * 'link-local', …), or null when it is an ordinary public address. IPv4 addresses inside IPv6
 * (mapped, compatible, NAT64, 6to4) are judged by their IPv4 address.
 *
 * @example classifyAddress('::ffff:127.0.0.1') // 'loopback'
 */
export function classifyAddress(ip: string): string | null {
  if (isIP(ip) === 4) {
    const n = ipv4ToInt(ip);
    return n === null ? 'invalid' : classifyV4(n);
  }
  const g = ipv6Groups(ip);
  return g === null ? 'invalid' : classifyV6(g);
}

/** canonicalAddress writes an address so two spellings of one compare equal (mapped v6 → v4). */
function canonicalAddress(ip: string): string {
  if (isIP(ip) === 4) return ip;
  const g = ipv6Groups(ip);
  if (g === null) return ip.toLowerCase();
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const n = v4Of(g, 6);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  return g.map((x) => x.toString(16)).join(':');
}

// ------------------------------------------------------------------ allow-list

/**
 * parseAllowList reads `--allow-outbound` values (each may hold a comma-separated list) into
 * normalised entries, or throws naming the bad one.
 *
 * @example parseAllowList(['models.internal,127.0.0.1:9000']) // ['models.internal', '127.0.0.1:9000']
 */
export function parseAllowList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values)
    for (const raw of value.split(',')) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      out.push(normaliseEntry(entry));
    }
  return out;
}

function normaliseEntry(entry: string): string {
  const bad = () =>
    new Error(
      `--allow-outbound: ${JSON.stringify(entry)} is not a host or host:port (e.g. models.internal, 10.0.0.5:8080, [::1]:9000)`,
    );
  if (isIP(entry) === 6) return canonicalAddress(entry);
  let host = entry;
  let port = '';
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracket) {
    host = bracket[1] ?? '';
    port = bracket[2] ?? '';
    if (isIP(host) !== 6) throw bad();
  } else {
    const m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry);
    if (!m) throw bad();
    host = m[1] ?? '';
    port = m[2] ?? '';
  }
  if (port !== '' && (Number(port) < 1 || Number(port) > 65535)) throw bad();
  const h = isIP(host) ? canonicalAddress(host) : host;
  return port === '' ? h : `${h}:${port}`;
}

// ------------------------------------------------------------------ the guard

const defaultPort = (url: URL): number =>
  url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

function hostOf(url: URL): string {
  const h = url.hostname.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** describeRule is the sentence for a refused address. */
function refusal(host: string, address: string, rule: string): OutboundRefused {
  const article = /^[aeiou]/.test(rule) ? 'an' : 'a';
  const what = host === address ? `${address} is` : `${host} resolves to ${address},`;
  return new OutboundRefused(`${what} ${article} ${rule} address; ${HINT}`);
}

/**
 * OutboundGuard checks outbound URLs against the policy and calls them on the checked
 * addresses only.
 */
export class OutboundGuard {
  readonly #allow: Set<string>;
  readonly #storeUrl: URL | null;
  #store: Promise<Set<string>> | null = null;
  /** resolve is the host name lookup (all addresses); tests may replace it. */
  readonly #resolve: (host: string) => Promise<Array<{ address: string; family: number }>>;

  constructor(
    policy: OutboundPolicy = {},
    opts: { resolve?: (host: string) => Promise<Array<{ address: string; family: number }>> } = {},
  ) {
    this.#allow = new Set(parseAllowList(policy.allow ?? []));
    let store: URL | null = null;
    try {
      store = policy.storeUrl ? new URL(policy.storeUrl) : null;
    } catch {
      store = null;
    }
    this.#storeUrl = store;
    this.#resolve = opts.resolve ?? resolveWithin(5000);
  }

  /** allowList is the operator's list as normalised (for logs). */
  get allowList(): string[] {
    return [...this.#allow];
  }

  /**
   * parse checks the URL's form only (http or https, no user:password), throwing
   * OutboundRefused naming what is wrong.
   */
  parse(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(String(raw));
    } catch {
      throw new OutboundRefused('is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundRefused('must be an http or https URL');
    if (url.username || url.password)
      throw new OutboundRefused('must not carry credentials (user:password@)');
    return url;
  }

  /**
   * check resolves the URL's host and refuses it when any address is forbidden. With
   * `unresolvable: 'accept'` a host that does not resolve (yet) passes with no addresses:
   * validation at configuration time, where the call itself is checked again.
   */
  async check(raw: string | URL, opts: { unresolvable?: 'refuse' | 'accept' } = {}): Promise<CheckedTarget> {
    const url = this.parse(raw);
    const host = hostOf(url);
    const port = defaultPort(url);
    const hostKey = isIP(host) ? canonicalAddress(host) : host;
    const hostAllowed = this.#allow.has(hostKey);
    const portAllowed = this.#allow.has(`${hostKey}:${port}`);
    let addresses: Array<{ address: string; family: 4 | 6 }>;
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
    else {
      try {
        const found = await this.#resolve(host);
        addresses = found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
      } catch (e) {
        if (opts.unresolvable === 'accept') return { url, host, port, addresses: [] };
        const code = (e as { code?: string }).code ?? 'failed';
        throw new OutboundRefused(`the host ${host} could not be resolved (${code})`);
      }
      if (addresses.length === 0) {
        if (opts.unresolvable === 'accept') return { url, host, port, addresses: [] };
        throw new OutboundRefused(`the host ${host} could not be resolved`);
      }
    }
    const store = await this.#storeEndpoints();
    for (const { address } of addresses) {
      const canon = canonicalAddress(address);
      if (store.has(`${canon}#${port}`) && !portAllowed)
        throw new OutboundRefused(
          `${host === address ? address : `${host} resolves to ${address}, and`} port ${port} is Vigil's own store; outbound URLs may not reach it unless the operator allows exactly that host:port with --allow-outbound`,
        );
      if (hostAllowed || portAllowed) continue;
      const rule = classifyAddress(address);
      if (rule !== null) throw refusal(host, address, rule);
    }
    return { url, host, port, addresses };
  }

  /**
   * fetch checks the URL and sends one request to the checked addresses (never re-resolving
   * the name, never following a redirect), answering a WHATWG Response. A refused URL rejects
   * with OutboundRefused before any connection is made.
   */
  async fetch(raw: string | URL, init: OutboundInit = {}): Promise<Response> {
    const target = await this.check(raw);
    return sendPinned(target, init);
  }

  async #storeEndpoints(): Promise<Set<string>> {
    const store = this.#storeUrl;
    if (store === null) return new Set();
    this.#store ??= (async () => {
      const host = hostOf(store);
      const port = defaultPort(store);
      let addrs: string[] = [host];
      if (!isIP(host))
        try {
          addrs = (await this.#resolve(host)).map((a) => a.address);
        } catch {
          addrs = [];
        }
      const out = new Set(addrs.map((a) => `${canonicalAddress(a)}#${port}`));
      // A store on "localhost" or 127.0.0.1 answers on every loopback spelling.
      if (addrs.some((a) => classifyAddress(a) === 'loopback'))
        for (const a of ['127.0.0.1', '0:0:0:0:0:0:0:1']) out.add(`${a}#${port}`);
      return out;
    })();
    return this.#store;
  }
}

/** resolveWithin looks a name up (every address), failing with ETIMEOUT after `ms`. */
function resolveWithin(ms: number) {
  return (host: string): Promise<Array<{ address: string; family: number }>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no DNS answer for ${host}`), { code: 'ETIMEOUT' })),
        ms,
      );
      timer.unref();
    });
    return Promise.race([dnsLookup(host, { all: true, verbatim: true }), timeout]).finally(() =>
      clearTimeout(timer),
    );
  };
}

/** OutboundInit is the part of fetch's RequestInit outbound calls use. */
export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

function sendPinned(target: CheckedTarget, init: OutboundInit): Promise<Response> {
  const first = target.addresses[0];
  if (!first) return Promise.reject(new OutboundRefused(`the host ${target.host} has no address`));
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all)
      callback(
        null,
        target.addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, first.address, first.family);
  };
  const mod = target.url.protocol === 'https:' ? https : http;
  const method = init.method ?? 'GET';
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(
      target.url,
      { method, headers: init.headers, signal: init.signal, agent: false, lookup },
      (res) => {
        const status = res.statusCode ?? 502;
        const headers = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
        if (NULL_BODY.has(status) || method === 'HEAD') {
          res.resume();
          resolve(new Response(null, { status, headers }));
          return;
        }
        const body = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
        resolve(new Response(body, { status, headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** outboundFetch is a fetch-shaped function bound to a guard (for code that takes a `fetch`). */
export function outboundFetch(guard: OutboundGuard): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    return guard.fetch(url, {
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
      signal: init?.signal ?? undefined,
    });
  }) as typeof fetch;
}

/** allowListFromEnv reads VIGIL_ALLOW_OUTBOUND (comma-separated), if set. */
export function allowListFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env['VIGIL_ALLOW_OUTBOUND'];
  try {
    return v ? parseAllowList([v]) : [];
  } catch (e) {
    throw new Error((e as Error).message.replace(/^--allow-outbound/, 'VIGIL_ALLOW_OUTBOUND'));
  }
}
