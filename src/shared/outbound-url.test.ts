import { describe, expect, it } from 'vitest';
import { classifyAddress, OutboundGuard, OutboundRefused, parseAllowList } from './outbound-url.js';

// Issue 14, finding 1: the address classes an outbound URL may not reach.

describe('classifyAddress', () => {
  const cases: Array<[string, string | null]> = [
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['9.255.255.255', null],
    ['11.0.0.0', null],
    ['172.15.255.255', null],
    ['172.16.0.0', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', null],
    ['192.168.0.0', 'private'],
    ['192.168.1.1', 'private'],
    ['192.169.0.0', null],
    ['192.167.255.255', null],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['169.255.0.0', null],
    ['100.64.0.0', 'shared (carrier-grade NAT)'],
    ['100.127.255.255', 'shared (carrier-grade NAT)'],
    ['100.63.255.255', null],
    ['100.128.0.0', null],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['8.8.8.8', null],
    ['1.1.1.1', null],
    ['93.184.216.34', null],
    // IPv6
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe00::1', null],
    ['ff02::1', 'multicast'],
    ['2001:4860:4860::8888', null],
    ['2606:4700::1111', null],
    // IPv4 inside IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:172.16.0.0', 'private'],
    ['::ffff:172.15.255.255', null],
    ['::ffff:8.8.8.8', null],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::192.168.1.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::', null],
  ];
  it.each(cases)('%s → %s', (ip, rule) => {
    expect(classifyAddress(ip)).toBe(rule);
  });
});

describe('parseAllowList', () => {
  it('splits, trims and normalises hosts and host:port', () => {
    expect(parseAllowList(['Models.Internal, 127.0.0.1:9000', '[::1]:8080', '::1'])).toEqual([
      'models.internal',
      '127.0.0.1:9000',
      '0:0:0:0:0:0:0:1:8080',
      '0:0:0:0:0:0:0:1',
    ]);
  });
  it('refuses what is not a host', () => {
    expect(() => parseAllowList(['http://x'])).toThrow(/--allow-outbound/);
    expect(() => parseAllowList(['host:99999'])).toThrow(/--allow-outbound/);
  });
});

describe('OutboundGuard.check', () => {
  const names: Record<string, Array<{ address: string; family: number }>> = {
    'rebind.test': [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'public.test': [{ address: '93.184.216.34', family: 4 }],
    'meta.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
    'store.test': [{ address: '203.0.113.7', family: 4 }],
  };
  const resolve = async (host: string) => {
    const a = names[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a;
  };
  const guard = (allow: string[] = [], storeUrl?: string) =>
    new OutboundGuard({ allow, storeUrl }, { resolve });
  const refused = async (g: OutboundGuard, url: string) => {
    try {
      await g.check(url);
    } catch (e) {
      expect(e).toBeInstanceOf(OutboundRefused);
      return (e as Error).message;
    }
    throw new Error(`${url} was accepted`);
  };

  it('names the rule and the way out', async () => {
    expect(await refused(guard(), 'http://127.0.0.1:8123/?query=SELECT%201')).toBe(
      '127.0.0.1 is a loopback address; outbound URLs may not reach loopback, link-local or private addresses unless the operator allows the host with --allow-outbound HOST',
    );
    expect(await refused(guard(), 'http://[::1]:9/')).toMatch(/^::1 is a loopback address/);
    expect(await refused(guard(), 'http://meta.test/')).toMatch(
      /^meta\.test resolves to ::ffff:169\.254\.169\.254, a link-local address/,
    );
  });

  it('refuses a name when any of its addresses is forbidden', async () => {
    expect(await refused(guard(), 'http://rebind.test/')).toMatch(/resolves to 127\.0\.0\.1, a loopback/);
    expect((await guard().check('https://public.test/x')).addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
  });

  it('reads the other spellings of an IPv4 address as the URL parser does', async () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:7f00:1]/', 'http://0/'])
      await refused(guard(), url);
  });

  it('refuses schemes other than http(s) and credentials', async () => {
    expect(await refused(guard(), 'ftp://public.test/')).toMatch(/http or https/);
    expect(await refused(guard(), 'http://u:p@public.test/')).toMatch(/credentials/);
  });

  it('opens allow-listed hosts, by host or host:port', async () => {
    await expect(guard(['127.0.0.1']).check('http://127.0.0.1:8080/')).resolves.toBeDefined();
    await expect(guard(['127.0.0.1:8080']).check('http://127.0.0.1:8080/')).resolves.toBeDefined();
    await refused(guard(['127.0.0.1:8080']), 'http://127.0.0.1:8081/');
    await expect(guard(['::1']).check('http://[::1]:9/')).resolves.toBeDefined();
    await expect(guard(['rebind.test']).check('http://rebind.test/')).resolves.toBeDefined();
    // Allowing one name does not allow the address it resolves to under another name.
    await refused(guard(['rebind.test']), 'http://127.0.0.1/');
  });

  it("keeps the store's own host:port shut, even where its host is allowed", async () => {
    const g = guard(['127.0.0.1', 'localhost', 'store.test'], 'http://127.0.0.1:8123');
    expect(await refused(g, 'http://127.0.0.1:8123/?query=SELECT%201')).toMatch(/Vigil's own store/);
    expect(await refused(g, 'http://[::ffff:127.0.0.1]:8123/')).toMatch(/Vigil's own store/);
    await expect(g.check('http://127.0.0.1:8124/')).resolves.toBeDefined();
    const remote = guard(['store.test'], 'http://user:pw@store.test:8123');
    expect(await refused(remote, 'http://203.0.113.7:8123/')).toMatch(/Vigil's own store/);
    expect(await refused(remote, 'http://store.test:8123/')).toMatch(/Vigil's own store/);
    await expect(
      guard(['127.0.0.1:8123'], 'http://127.0.0.1:8123').check('http://127.0.0.1:8123/'),
    ).resolves.toBeDefined();
  });

  it('refuses a host that does not resolve at call time, accepts it at configuration time', async () => {
    expect(await refused(guard(), 'http://nowhere.test/')).toMatch(/could not be resolved/);
    expect((await guard().check('http://nowhere.test/', { unresolvable: 'accept' })).addresses).toEqual([]);
  });
});
