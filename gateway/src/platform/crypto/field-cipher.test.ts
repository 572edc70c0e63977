import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors';
import { FieldCipher, type FieldContext } from './field-cipher';
import { ConfigKeyProvider } from './key-provider';
import { MemoryKeyStore } from './key-store';
import { fakeIdNumber } from './test-support';

const MASTER = 'a1'.repeat(32);
const provider = () => new ConfigKeyProvider({ masterKeys: { m1: MASTER }, activeMasterKeyId: 'm1' });
const open = (store = new MemoryKeyStore()) => FieldCipher.open({ provider: provider(), store });
const ctx: FieldContext = { table: 'citizen', column: 'id_no', rowId: '01JD5Q7Z3K0000000000000000' };
const ID = fakeIdNumber();
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) return err.code;
    throw err;
  }
  return 'no error';
}

const fieldContext = fc.record({
  table: fc.string({ minLength: 1, maxLength: 20 }),
  column: fc.string({ minLength: 1, maxLength: 20 }),
  rowId: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.nat(), fc.bigInt({ min: 0n })),
});

describe('FieldCipher', () => {
  it('round-trips arbitrary Unicode strings in arbitrary contexts', async () => {
    const fields = await open();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'grapheme' }),
          fc.string({ unit: 'binary-ascii' }),
        ),
        fieldContext,
        (plain, where) => {
          expect(fields.decrypt(fields.encrypt(plain, where), where)).toBe(plain);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('writes the documented compact format', async () => {
    const fields = await open();
    const ct = fields.encrypt(ID, ctx);
    expect(ct).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    expect(ct.split('.')[1]).toBe(fields.keys.activeKeyId);
    expect(ct).toHaveLength(79);
    expect(fields.encrypt('13000000001', ctx)).toHaveLength(70);
    expect(fields.encrypt('', ctx)).toHaveLength(12 + 43);
    const raw = Buffer.from(ct.split('.')[2]!, 'base64url');
    expect(raw).toHaveLength(16 + 18 + 16);
    expect(ct).not.toContain(ID);
  });

  it('is randomised: the same value twice gives different ciphertexts', async () => {
    const fields = await open();
    const seen = new Set(Array.from({ length: 1000 }, () => fields.encrypt(ID, ctx)));
    expect(seen.size).toBe(1000);
  });

  it('detects every single-character change anywhere in the ciphertext', async () => {
    const fields = await open();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(), fc.nat(), (plain, at, pick) => {
        const ct = fields.encrypt(plain, ctx);
        const i = at % ct.length;
        const alphabet = `${B64URL}.+/=v `;
        let c = alphabet[pick % alphabet.length]!;
        if (c === ct[i]) c = alphabet[(pick + 1) % alphabet.length]!;
        const tampered = ct.slice(0, i) + c + ct.slice(i + 1);
        expect(['malformed', 'unsupported_version', 'unknown_key', 'auth_failed']).toContain(
          codeOf(() => fields.decrypt(tampered, ctx)),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('detects every flipped bit of iv, ciphertext and tag as auth_failed', async () => {
    const fields = await open();
    const ct = fields.encrypt(ID, ctx);
    const [v, kid, body] = ct.split('.') as [string, string, string];
    const raw = Buffer.from(body, 'base64url');
    for (let bit = 0; bit < raw.length * 8; bit++) {
      const flipped = Buffer.from(raw);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      expect(codeOf(() => fields.decrypt(`${v}.${kid}.${flipped.toString('base64url')}`, ctx))).toBe(
        'auth_failed',
      );
    }
  });

  it('refuses truncated, extended and re-encoded ciphertexts', async () => {
    const fields = await open();
    const ct = fields.encrypt(ID, ctx);
    const [, kid, body] = ct.split('.') as [string, string, string];
    const raw = Buffer.from(body, 'base64url');
    expect(codeOf(() => fields.decrypt(ct.slice(0, -1), ctx))).not.toBe('no error');
    expect(codeOf(() => fields.decrypt(`${ct}A`, ctx))).not.toBe('no error');
    expect(codeOf(() => fields.decrypt(`${ct}=`, ctx))).toBe('malformed');
    expect(codeOf(() => fields.decrypt(`v1.${kid}.${raw.toString('base64')}`, ctx))).not.toBe('no error');
    expect(codeOf(() => fields.decrypt(`v1.${kid}.${raw.subarray(0, 31).toString('base64url')}`, ctx))).toBe(
      'malformed',
    );
    expect(codeOf(() => fields.decrypt(`v1.${kid}.`, ctx))).toBe('malformed');
    expect(codeOf(() => fields.decrypt('v1.', ctx))).toBe('malformed');
    expect(codeOf(() => fields.decrypt(ID, ctx))).toBe('malformed');
    expect(codeOf(() => fields.decrypt('', ctx))).toBe('malformed');
    expect(codeOf(() => fields.decrypt(`v2.${kid}.${body}`, ctx))).toBe('unsupported_version');
    expect(codeOf(() => fields.decrypt(`v1.00000000.${body}`, ctx))).toBe('unknown_key');
  });

  it('binds the value to its table, column and row', async () => {
    const fields = await open();
    fc.assert(
      fc.property(fieldContext, fieldContext, fc.string(), (a, b, plain) => {
        fc.pre(a.table !== b.table || a.column !== b.column || String(a.rowId) !== String(b.rowId));
        expect(codeOf(() => fields.decrypt(fields.encrypt(plain, a), b))).toBe('auth_failed');
      }),
      { numRuns: 2000 },
    );
  });

  it('fails a ciphertext copied to another row, column or table', async () => {
    const fields = await open();
    const ct = fields.encrypt(ID, { table: 'citizen', column: 'id_no', rowId: 7 });
    expect(fields.decrypt(ct, { table: 'citizen', column: 'id_no', rowId: '7' })).toBe(ID);
    expect(fields.decrypt(ct, { table: 'citizen', column: 'id_no', rowId: 7n })).toBe(ID);
    for (const moved of [
      { table: 'citizen', column: 'id_no', rowId: 8 },
      { table: 'citizen', column: 'guardian_id_no', rowId: 7 },
      { table: 'case_applicant', column: 'id_no', rowId: 7 },
      // The context encoding is unambiguous: shifting text between parts does not collide.
      { table: 'citizen","id_no', column: '7', rowId: 7 },
      { table: 'citizenid_no', column: '7', rowId: 7 },
    ]) {
      expect(codeOf(() => fields.decrypt(ct, moved))).toBe('auth_failed');
    }
  });

  it('refuses an empty context part and a lone surrogate', async () => {
    const fields = await open();
    expect(() => fields.encrypt(ID, { ...ctx, table: '' })).toThrow(TypeError);
    expect(() => fields.encrypt(ID, { ...ctx, rowId: '' })).toThrow(TypeError);
    expect(() => fields.encrypt('\uD800', ctx)).toThrow(RangeError);
    expect(fields.decrypt(fields.encrypt('😀', ctx), ctx)).toBe('😀');
  });

  it('never puts the value or the context in an error message', async () => {
    const fields = await open();
    const ct = fields.encrypt(ID, ctx);
    try {
      fields.decrypt(ct, { ...ctx, rowId: 'other-row' });
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toMatch(/\d{6}|citizen|other-row/);
    }
  });
});

describe('FieldCipher key rotation', () => {
  it('keeps old ciphertexts readable and writes new ones under the new key', async () => {
    const fields = await open();
    const old = fields.keys.activeKeyId;
    const before = fields.encrypt(ID, ctx);
    const fresh = await fields.keys.rotate();
    expect(fresh).not.toBe(old);
    expect(fields.keys.activeKeyId).toBe(fresh);
    const after = fields.encrypt(ID, ctx);
    expect(fields.keyIdOf(before)).toBe(old);
    expect(fields.keyIdOf(after)).toBe(fresh);
    expect(fields.decrypt(before, ctx)).toBe(ID);
    expect(fields.decrypt(after, ctx)).toBe(ID);
    expect(fields.needsRotation(before)).toBe(true);
    expect(fields.needsRotation(after)).toBe(false);
  });

  it('re-encrypts idempotently and only after authenticating', async () => {
    const fields = await open();
    const before = fields.encrypt(ID, ctx);
    await fields.keys.rotate();
    const again = fields.reencrypt(before, ctx);
    expect(fields.keyIdOf(again)).toBe(fields.keys.activeKeyId);
    expect(fields.decrypt(again, ctx)).toBe(ID);
    expect(fields.reencrypt(again, ctx)).toBe(again);
    expect(codeOf(() => fields.reencrypt(before, { ...ctx, rowId: 'x' }))).toBe('auth_failed');
    expect(codeOf(() => fields.reencrypt(again, { ...ctx, rowId: 'x' }))).toBe('auth_failed');
  });

  it('round-trips under many rotations (property)', async () => {
    const fields = await open();
    const written: Array<[string, string]> = [];
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), fc.boolean(), async (plain, rotate) => {
        if (rotate) await fields.keys.rotate();
        written.push([plain, fields.encrypt(plain, ctx)]);
        for (const [p, ct] of written.slice(-50)) expect(fields.decrypt(ct, ctx)).toBe(p);
      }),
      { numRuns: 200 },
    );
    expect(new Set(written.map(([, ct]) => fields.keyIdOf(ct))).size).toBeGreaterThan(10);
  });

  it('another instance learns a rotated key on refresh, or lazily in decryptRefreshing', async () => {
    const store = new MemoryKeyStore();
    const a = await open(store);
    const b = await open(store);
    expect(b.keys.activeKeyId).toBe(a.keys.activeKeyId);
    await a.keys.rotate();
    const ct = a.encrypt(ID, ctx);
    expect(codeOf(() => b.decrypt(ct, ctx))).toBe('unknown_key');
    expect(await b.decryptRefreshing(ct, ctx)).toBe(ID);
    expect(b.keys.activeKeyId).toBe(a.keys.activeKeyId);
    await expect(b.decryptRefreshing(`v1.00000000.${ct.split('.')[2]}`, ctx)).rejects.toMatchObject({
      code: 'unknown_key',
    });
  });

  it('after a restart the newest stored key is active and every key decrypts', async () => {
    const store = new MemoryKeyStore();
    const first = await open(store);
    const cts = [first.encrypt('1', ctx)];
    for (let i = 0; i < 3; i++) {
      await first.keys.rotate();
      cts.push(first.encrypt(String(i + 2), ctx));
    }
    const restarted = await open(store);
    expect(restarted.keys.activeKeyId).toBe(first.keys.activeKeyId);
    expect(restarted.keys.keyIds()).toEqual(first.keys.keyIds());
    expect(cts.map((ct) => restarted.decrypt(ct, ctx))).toEqual(['1', '2', '3', '4']);
  });
});
