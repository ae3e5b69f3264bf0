import { describe, expect, it } from 'vitest';
import { fastHash, isKeyId, newKeyId, newKeyText, parseKeyText } from './key-text.js';
import { atLeast, isRole } from './roles.js';
import { hashSecret, verifySecret } from './secret-hash.js';

describe('key text', () => {
  it('round-trips: vgl_<16 hex id>_<43-char base64url secret of 32 bytes>', () => {
    const id = newKeyId();
    expect(isKeyId(id)).toBe(true);
    const { text, secret } = newKeyText(id);
    expect(text).toBe(`vgl_${id}_${secret}`);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(parseKeyText(text)).toEqual({ id, secret });
  });

  it('keeps an underscore inside the secret with the secret', () => {
    const secret = `ab_${'c'.repeat(40)}`;
    expect(parseKeyText(`vgl_0123456789abcdef_${secret}`)).toEqual({ id: '0123456789abcdef', secret });
  });

  it.each([
    ['empty', ''],
    ['no prefix', `0123456789abcdef_${'a'.repeat(43)}`],
    ['short id', `vgl_0123_${'a'.repeat(43)}`],
    ['upper-case id', `vgl_0123456789ABCDEF_${'a'.repeat(43)}`],
    ['short secret', 'vgl_0123456789abcdef_abc'],
    ['SQL in the secret', `vgl_0123456789abcdef_${'a'.repeat(43)}' OR 1=1 --`],
    ['huge', `vgl_0123456789abcdef_${'a'.repeat(5000)}`],
  ])('refuses %s', (_name, text) => {
    expect(parseKeyText(text)).toBeUndefined();
  });

  it('fastHash differs for keys that differ in one character', () => {
    expect(fastHash('vgl_a_b')).not.toBe(fastHash('vgl_a_c'));
  });
});

describe('secret hash', () => {
  it('verifies the secret it hashed and nothing else; salts differ per hash', async () => {
    const a = await hashSecret('s3cret');
    const b = await hashSecret('s3cret');
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifySecret('s3cret', a.salt, a.hash)).toBe(true);
    expect(await verifySecret('s3cret!', a.salt, a.hash)).toBe(false);
    expect(await verifySecret('s3cret', b.salt, a.hash)).toBe(false);
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
    ['editor', 'viewer', true],
    ['editor', 'admin', false],
    ['admin', 'editor', true],
  ] as const)('%s is at least %s: %s', (role, needed, expected) => {
    expect(atLeast(role, needed)).toBe(expected);
  });

  it('knows only the three roles', () => {
    expect(['viewer', 'editor', 'admin'].every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole('__proto__')).toBe(false);
  });
});
