import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { sm3 as libSm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { BlindIndex, normaliseIdNumber, normalisePhone, normaliseText } from './blind-index';
import { CryptoError } from './errors';
import { fakeIdNumber } from './test-support';

const KEY = Buffer.alloc(32, 0x5a);
const bidx = new BlindIndex(KEY);
const idNo = bidx.column('citizen', 'id_no', normaliseIdNumber);
const phone = bidx.column('citizen', 'mobile', normalisePhone);

/** Fictitious ID numbers: any region-like code, any date from 1900 to 2029, sequence 900–999. */
const fakeIds = fc
  .record({
    region: fc.integer({ min: 110000, max: 659999 }),
    birth: fc.date({ min: new Date('1900-01-01'), max: new Date('2029-12-31'), noInvalidDate: true }),
    seq: fc.integer({ min: 900, max: 999 }),
  })
  .map(({ region, birth, seq }) =>
    fakeIdNumber(String(region), birth.toISOString().slice(0, 10).replaceAll('-', ''), String(seq)),
  );

describe('BlindIndex', () => {
  it('is HMAC-SM3 under an HKDF-SM3 column key, truncated to 16 bytes of lower-case hex', () => {
    const id = fakeIdNumber();
    const columnKey = Buffer.from(
      hkdfSync('sm3', KEY, Buffer.alloc(0), 'gcrm.bidx.v1:["citizen","id_no"]', 32),
    );
    // Cross-implementation: sm-crypto-v2's HMAC-SM3, not node:crypto's.
    expect(idNo.of(id)).toBe(libSm3(id, { key: columnKey, mode: 'hmac' }).slice(0, 32));
    expect(idNo.of(id)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is deterministic, and different values give different indexes', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.string({ unit: 'binary', minLength: 1 }),
        (a, b) => {
          fc.pre(normaliseText(a) !== '' && normaliseText(b) !== '');
          const text = bidx.column('citizen', 'address', normaliseText);
          expect(text.of(a)).toBe(text.of(a));
          expect(text.of(a) === text.of(b)).toBe(normaliseText(a) === normaliseText(b));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives every spelling of one ID number the same index', () => {
    fc.assert(
      fc.property(fakeIds, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), (id, cuts, wide) => {
        let spelled = id.toLowerCase();
        for (const cut of cuts) {
          const i = cut % (spelled.length + 1);
          spelled = `${spelled.slice(0, i)} ${spelled.slice(i)}`;
        }
        if (wide) spelled = spelled.replace(/[0-9x]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(idNo.of(`\t${spelled}\u3000`)).toBe(idNo.of(id));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalises ID numbers and phone numbers as documented', () => {
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('１１０１０５-１９４９１２３１-００２ｘ')).toBe('11010519491231002X');
    expect(normalisePhone('+86 130-0000-0001')).toBe('13000000001');
    expect(normalisePhone('0086 13000000001')).toBe('13000000001');
    expect(normalisePhone('(86)130 0000 0001')).toBe('13000000001');
    expect(normalisePhone('010-6512 3456')).toBe('01065123456');
    expect(normalisePhone('8613')).toBe('8613');
    for (const spelled of [
      '+86 130-0000-0001',
      '130 0000 0001',
      '１３０００００００01',
      '0086-13000000001',
    ]) {
      expect(phone.of(spelled)).toBe(phone.of('13000000001'));
    }
    expect(normaliseText('  北京市  朝阳区\n 某街道 ')).toBe('北京市 朝阳区 某街道');
  });

  it('uses a different key per column and per index key', () => {
    const id = fakeIdNumber();
    const guardian = bidx.column('citizen', 'guardian_id_no', normaliseIdNumber);
    const applicant = bidx.column('case_applicant', 'id_no', normaliseIdNumber);
    const otherKey = new BlindIndex(Buffer.alloc(32, 0x5b)).column('citizen', 'id_no', normaliseIdNumber);
    const indexes = new Set([idNo, guardian, applicant, otherKey].map((c) => c.of(id)));
    expect(indexes.size).toBe(4);
    // The column name encoding is unambiguous.
    expect(bidx.column('a', 'b.c', normaliseIdNumber).of(id)).not.toBe(
      bidx.column('a.b', 'c', normaliseIdNumber).of(id),
    );
  });

  it('truncates to the configured length', () => {
    const id = fakeIdNumber();
    const full = bidx.column('citizen', 'id_no', normaliseIdNumber, { bytes: 32 }).of(id);
    expect(full).toHaveLength(64);
    expect(full.startsWith(idNo.of(id))).toBe(true);
    expect(bidx.column('citizen', 'id_no', normaliseIdNumber, { bytes: 8 }).of(id)).toBe(full.slice(0, 16));
    expect(() => bidx.column('citizen', 'id_no', normaliseIdNumber, { bytes: 4 })).toThrow(RangeError);
    expect(() => bidx.column('citizen', 'id_no', normaliseIdNumber, { bytes: 33 })).toThrow(RangeError);
  });

  it('refuses values that normalise to nothing, and bad keys', () => {
    expect(() => idNo.of(' \u3000 ')).toThrow(RangeError);
    expect(() => phone.of('无')).toThrow(RangeError);
    expect(() => new BlindIndex(Buffer.alloc(16))).toThrow(CryptoError);
    expect(() => BlindIndex.fromHex('00')).toThrow(CryptoError);
    expect(BlindIndex.fromHex('5a'.repeat(32)).column('citizen', 'id_no', normaliseIdNumber).of('1')).toBe(
      idNo.of('1'),
    );
  });

  it('keeps no reference to the caller key buffer', () => {
    const key = Buffer.alloc(32, 0x5a);
    const index = new BlindIndex(key);
    key.fill(0);
    expect(index.column('citizen', 'id_no', normaliseIdNumber).of('1')).toBe(idNo.of('1'));
  });
});
