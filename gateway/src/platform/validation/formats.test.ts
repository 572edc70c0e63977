import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMobile, isResidentId, residentIdCheckChar } from './formats';

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
