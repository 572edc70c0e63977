import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isBankCard,
  isForeignPermanentResidentId,
  isHkMoTwResidencePermit,
  isMobile,
  isResidentId,
  luhnCheckDigit,
  regions,
  residentIdCheckChar,
} from './formats';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and rejects a wrong check character', () => {
    // The worked example in GB 11643-1999 itself, not a person's number.
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isResidentId('11010519491231002X')).toBe(true);
    expect(isResidentId('11010519491231002x')).toBe(true);
    expect(isResidentId('110105194912310021')).toBe(false);
  });

  it('rejects impossible dates, wrong lengths and letters', () => {
    expect(isResidentId(`1101051990023012${residentIdCheckChar('11010519900230123')}`)).toBe(false);
    expect(isResidentId('11010519900307123')).toBe(false);
    expect(isResidentId('A10105199003071239')).toBe(false);
  });

  it('every valid body with its computed check character passes, every other check character fails', () => {
    const body = fc
      .tuple(
        fc.integer({ min: 110000, max: 659999 }),
        fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([area, date, seq]) =>
          `${area}${date.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`,
      );
    fc.assert(
      fc.property(body, fc.constantFrom(...'0123456789X'), (first17, check) => {
        expect(isResidentId(first17 + check)).toBe(check === residentIdCheckChar(first17));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        (s) => typeof isResidentId(s) === 'boolean' && typeof isMobile(s) === 'boolean',
      ),
      { numRuns: 5000 },
    );
  });
});

describe('mobile numbers', () => {
  it('takes 11 digits starting 1[3-9]', () => {
    expect(isMobile('13000000000')).toBe(true);
    expect(isMobile('12000000000')).toBe(false);
    expect(isMobile('+8613000000000')).toBe(false);
    expect(isMobile('1300000000')).toBe(false);
  });
});

/** Any character a user might type in place of another: the relevant ones are drawn more often. */
const TYPED = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -_.０１';

/** A valid value and the same value with one character substituted (never by an equivalent one). */
function oneChanged(valid: fc.Arbitrary<string>, relevant: string, same = (a: string, b: string) => a === b) {
  return fc.tuple(valid, fc.nat(), fc.nat(), fc.boolean()).map(([value, p, k, broad]) => {
    const at = p % value.length;
    const pool = [...(broad ? TYPED : relevant)].filter((c) => !same(c, value[at]!));
    const by = pool[k % pool.length]!;
    return { value, at, by, changed: value.slice(0, at) + by + value.slice(at + 1) };
  });
}

const sameIgnoringCase = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
const yyyymmdd = (min: string, max: string) =>
  fc
    .date({ min: new Date(min), max: new Date(max), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
const withCheck = (first17: string) => first17 + residentIdCheckChar(first17);

describe('GB 11643 check character catches every single substitution', () => {
  const residentIds = fc
    .tuple(fc.integer({ min: 100000, max: 999999 }), yyyymmdd('1800-01-01', '2099-12-31'), digits(3))
    .map(([area, date, seq]) => withCheck(`${area}${date}${seq}`));

  it('resident ID numbers: generated ones pass, one changed character fails (x for X aside)', () => {
    fc.assert(
      fc.property(oneChanged(residentIds, '0123456789X', sameIgnoringCase), ({ value, changed }) => {
        expect(isResidentId(value)).toBe(true);
        expect(isResidentId(changed)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('港澳台居民居住证 numbers', () => {
  const permits = fc
    .tuple(fc.constantFrom('810000', '820000', '830000'), yyyymmdd('1900-01-01', '2099-12-31'), digits(3))
    .map(([area, date, seq]) => withCheck(`${area}${date}${seq}`));

  it('takes 810000/820000/830000, a real birth date and the GB 11643 check character', () => {
    for (const area of ['810000', '820000', '830000']) {
      expect(isHkMoTwResidencePermit(withCheck(`${area}19900101002`))).toBe(true);
    }
    expect(isHkMoTwResidencePermit(withCheck('81000019900101002').toLowerCase())).toBe(true);
    // Taiwan's GB/T 2260 code 710000 is not the permit's address code; neither is a mainland one.
    expect(isHkMoTwResidencePermit(withCheck('71000019900101002'))).toBe(false);
    expect(isHkMoTwResidencePermit(withCheck('11010519900101002'))).toBe(false);
    expect(isHkMoTwResidencePermit(withCheck('81000019900230002'))).toBe(false);
    expect(isHkMoTwResidencePermit(withCheck('81000019900101002').slice(0, 17))).toBe(false);
    // A mainland resident ID is not a permit, and a permit is numbered like, and passes as, a resident ID.
    expect(isResidentId(withCheck('81000019900101002'))).toBe(true);
  });

  it('generated ones pass, one changed character fails', () => {
    fc.assert(
      fc.property(oneChanged(permits, '0123456789X', sameIgnoringCase), ({ value, changed }) => {
        expect(isHkMoTwResidencePermit(value)).toBe(true);
        expect(isHkMoTwResidencePermit(changed)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('外国人永久居留身份证 numbers (2023 format)', () => {
  const provinces = regions('province')
    .map((r) => r.code.slice(0, 2))
    .filter((p) => !['71', '81', '82'].includes(p));
  const permits = fc
    .tuple(fc.constantFrom(...provinces), digits(3), yyyymmdd('1900-01-01', '2099-12-31'), digits(3))
    .map(([province, nationality, date, seq]) => withCheck(`9${province}${nationality}${date}${seq}`));

  it('takes 9, a mainland province, a 3-digit nationality code, a birth date and the check character', () => {
    // 840 (United States) issued in Beijing, 250 (France) issued in Shanghai: constructed, not real.
    expect(isForeignPermanentResidentId(withCheck('91184019900101001'))).toBe(true);
    expect(isForeignPermanentResidentId(withCheck('93125020001231123'))).toBe(true);
    expect(isForeignPermanentResidentId(withCheck('81184019900101001'))).toBe(false);
    expect(isForeignPermanentResidentId(withCheck('98184019900101001'))).toBe(false); // 81 is Hong Kong
    expect(isForeignPermanentResidentId(withCheck('90084019900101001'))).toBe(false);
    expect(isForeignPermanentResidentId(withCheck('91184019900230001'))).toBe(false);
    // The legacy 15-character format is not accepted (see isForeignPermanentResidentId).
    expect(isForeignPermanentResidentId('USA110901010011')).toBe(false);
  });

  it('generated ones pass, one changed character fails', () => {
    fc.assert(
      fc.property(oneChanged(permits, '0123456789X', sameIgnoringCase), ({ value, changed }) => {
        expect(isForeignPermanentResidentId(value)).toBe(true);
        expect(isForeignPermanentResidentId(changed)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('bank card numbers (Luhn)', () => {
  const cards = fc
    .tuple(
      fc.integer({ min: 11, max: 18 }),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
    )
    .map(([n, ds]) => {
      const body = ds.slice(0, n).join('');
      return body + luhnCheckDigit(body);
    });

  it('computes the Luhn digit and takes 12–19 digits', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3'); // the textbook example
    expect(isBankCard('4111111111111111')).toBe(true); // a public test card number
    expect(isBankCard('4111111111111112')).toBe(false);
    expect(isBankCard(`62220202000000000${luhnCheckDigit('62220202000000000')}`)).toBe(true);
    expect(isBankCard('79927398713')).toBe(false); // Luhn-valid but 11 digits
    expect(isBankCard(`${'1'.repeat(19)}${luhnCheckDigit('1'.repeat(19))}`)).toBe(false); // 20 digits
    expect(isBankCard('4111 1111 1111 1111')).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });

  it('generated ones pass, one changed character fails', () => {
    fc.assert(
      fc.property(oneChanged(cards, '0123456789'), ({ value, changed }) => {
        expect(isBankCard(value)).toBe(true);
        expect(isBankCard(changed)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('mobile numbers (no check digit)', () => {
  const mobiles = fc
    .tuple(fc.integer({ min: 3, max: 9 }), digits(9))
    .map(([second, rest]) => `1${second}${rest}`);

  it('generated ones pass; a changed character passes only if it leaves 1[3-9] and 11 digits', () => {
    fc.assert(
      fc.property(oneChanged(mobiles, '0123456789'), ({ value, at, by, changed }) => {
        expect(isMobile(value)).toBe(true);
        const stillValid = at === 0 ? false : at === 1 ? /^[3-9]$/.test(by) : /^\d$/.test(by);
        expect(isMobile(changed)).toBe(stillValid);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('all validators', () => {
  it('never throw on arbitrary text', () => {
    const all = [isResidentId, isHkMoTwResidencePermit, isForeignPermanentResidentId, isBankCard, isMobile];
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 25 }), fc.stringMatching(/^[\dXx]{10,20}$/)), (s) => {
        for (const f of all) expect(typeof f(s)).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});
