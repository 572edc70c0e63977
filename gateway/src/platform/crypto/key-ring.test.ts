import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { ConfigKeyProvider } from './key-provider';
import { KeyRing } from './key-ring';
import { type KeyStore, MemoryKeyStore, type StoredDataKey } from './key-store';

const M1 = '1f'.repeat(32);
const M2 = 'e2'.repeat(32);

async function rejectsWith(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toBeInstanceOf(CryptoError);
  await expect(p).rejects.toMatchObject({ code });
}

describe('ConfigKeyProvider', () => {
  const provider = new ConfigKeyProvider({ masterKeys: { m1: M1 }, activeMasterKeyId: 'm1' });

  it('wraps a data key in the documented format and unwraps it with the same context', async () => {
    const { plaintext, wrapped } = await provider.generateDataKey('ctx-a');
    expect(plaintext).toHaveLength(32);
    expect(wrapped).toMatch(/^w1\.m1\.[A-Za-z0-9_-]{86}$/);
    expect(wrapped).not.toContain(plaintext.toString('base64url'));
    expect(await provider.unwrap(wrapped, 'ctx-a')).toEqual(plaintext);
  });

  it('refuses another context, another master key and any change to the wrapped key', async () => {
    const { wrapped } = await provider.generateDataKey('ctx-a');
    await rejectsWith(provider.unwrap(wrapped, 'ctx-b'), 'auth_failed');
    const other = new ConfigKeyProvider({ masterKeys: { m1: M2 }, activeMasterKeyId: 'm1' });
    await rejectsWith(other.unwrap(wrapped, 'ctx-a'), 'auth_failed');
    for (let i = 0; i < wrapped.length; i++) {
      const c = wrapped[i] === 'A' ? 'B' : 'A';
      await expect(
        provider.unwrap(wrapped.slice(0, i) + c + wrapped.slice(i + 1), 'ctx-a'),
      ).rejects.toBeInstanceOf(CryptoError);
    }
    await rejectsWith(provider.unwrap('w2.m1.AAAA', 'ctx-a'), 'unsupported_version');
    await rejectsWith(provider.unwrap('w1.m9.AAAA', 'ctx-a'), 'unknown_key');
    await rejectsWith(provider.unwrap('w1.m1', 'ctx-a'), 'malformed');
  });

  it('refuses bad configuration', () => {
    const bad =
      (masterKeys: Record<string, string>, activeMasterKeyId = 'm1') =>
      () =>
        new ConfigKeyProvider({ masterKeys, activeMasterKeyId });
    expect(bad({ m1: 'abcd' })).toThrow(CryptoError);
    expect(bad({ m1: `${M1}00` })).toThrow(CryptoError);
    expect(bad({ m1: `zz${M1.slice(2)}` })).toThrow(CryptoError);
    expect(bad({ 'm.1': M1 }, 'm.1')).toThrow(CryptoError);
    expect(bad({ m1: M1 }, 'm2')).toThrow(CryptoError);
  });
});

describe('KeyRing', () => {
  it('creates the first key in an empty store and stores it only wrapped', async () => {
    const store = new MemoryKeyStore();
    const ring = await KeyRing.open({
      provider: new ConfigKeyProvider({ masterKeys: { m1: M1 }, activeMasterKeyId: 'm1' }),
      store,
    });
    const stored = await store.loadAll();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kid).toBe(ring.activeKeyId);
    expect(stored[0]!.wrapped).toMatch(/^w1\.m1\./);
    expect(ring.active.encKey).toHaveLength(16);
    expect(ring.active.macKey).toHaveLength(32);
    expect(ring.active.encKey.equals(ring.active.macKey.subarray(0, 16))).toBe(false);
    expect(() => ring.key('ffffffff')).toThrow(CryptoError);
  });

  it('supports a master-key rotation: old data keys still unwrap, new ones are wrapped under the new master key', async () => {
    const store = new MemoryKeyStore();
    const before = await KeyRing.open({
      provider: new ConfigKeyProvider({ masterKeys: { m1: M1 }, activeMasterKeyId: 'm1' }),
      store,
    });
    const after = await KeyRing.open({
      provider: new ConfigKeyProvider({ masterKeys: { m1: M1, m2: M2 }, activeMasterKeyId: 'm2' }),
      store,
    });
    expect(after.key(before.activeKeyId).macKey).toEqual(before.active.macKey);
    const kid = await after.rotate();
    expect((await store.loadAll()).find((k) => k.kid === kid)!.wrapped).toMatch(/^w1\.m2\./);
  });

  it('refuses to start with a wrong master key or a relabelled wrapped key', async () => {
    const store = new MemoryKeyStore();
    const provider = new ConfigKeyProvider({ masterKeys: { m1: M1 }, activeMasterKeyId: 'm1' });
    await KeyRing.open({ provider, store });
    const wrong = new ConfigKeyProvider({ masterKeys: { m1: M2 }, activeMasterKeyId: 'm1' });
    await rejectsWith(KeyRing.open({ provider: wrong, store }), 'auth_failed');

    const [only] = await store.loadAll();
    const relabelled: KeyStore = {
      loadAll: async () => [{ ...only!, kid: '0badc0de' }],
      save: async () => {},
    };
    await rejectsWith(KeyRing.open({ provider, store: relabelled }), 'auth_failed');
  });

  it('takes the newest key as active whatever the load order, and refreshes at most once per window', async () => {
    const provider = new ConfigKeyProvider({ masterKeys: { m1: M1 }, activeMasterKeyId: 'm1' });
    const inner = new MemoryKeyStore();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const ring = await KeyRing.open({
      provider,
      store: inner,
      now: () => {
        clock += 1000;
        return new Date(clock);
      },
    });
    const k2 = await ring.rotate();
    let loads = 0;
    const reversed: KeyStore = {
      loadAll: async () => {
        loads++;
        return (await inner.loadAll()).reverse() as StoredDataKey[];
      },
      save: (k) => inner.save(k),
    };
    const other = await KeyRing.open({ provider, store: reversed });
    expect(other.activeKeyId).toBe(k2);
    expect(other.keyIds()).toEqual(ring.keyIds());
    loads = 0;
    await Promise.all([other.refresh(1000), other.refresh(1000), other.refresh(1000)]);
    await other.refresh(1000);
    expect(loads).toBe(1);
    await other.refresh();
    expect(loads).toBe(2);
  });
});
