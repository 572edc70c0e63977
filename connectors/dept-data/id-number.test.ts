import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIdNumber, idCheckChar, isIdNumber, maskIdNumber } from './id-number';
import { createPopulation, MAX_POPULATION_SIZE } from './population/population';
import { fictitiousUscc, usccCheckChar } from './uscc';

describe('GB 11643 ID numbers', () => {
  it('computes the check character of the standard example', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(isIdNumber('11010519491231002X')).toBe(true);
    expect(isIdNumber('110105194912310021')).toBe(false);
    expect(isIdNumber('110105194902300021')).toBe(false);
    expect(buildIdNumber('110105', '1949-12-31', 2)).toBe('11010519491231002X');
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
  });

  it('every generated ID number passes GB 11643 and uses a 9xx sequence code (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.nat(MAX_POPULATION_SIZE - 1),
        (seed, index) => {
          const population = createPopulation({ seed, size: MAX_POPULATION_SIZE });
          const person = population.person(index);
          expect(isIdNumber(person.idNumber)).toBe(true);
          expect(person.idNumber.slice(14, 15)).toBe('9');
          // The 17th digit's parity is the gender (odd = 男).
          expect(Number(person.idNumber[16]) % 2 === 1).toBe(person.gender === '男');
          expect(population.indexOf(person.idNumber)).toBe(index);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a wrong check character is refused (property)', () => {
    const population = createPopulation({ seed: 5, size: 10_000 });
    fc.assert(
      fc.property(fc.nat(9999), fc.constantFrom(...'0123456789X'), (index, check) => {
        const id = population.person(index).idNumber;
        fc.pre(check !== id[17]);
        expect(isIdNumber(id.slice(0, 17) + check)).toBe(false);
      }),
    );
  });
});

describe('fictitious USCC', () => {
  it('carries a GB 32100 check character', () => {
    const code = fictitiousUscc('110105', 12345);
    expect(code).toMatch(/^91110105MA[0-9A-HJ-NP-RTUW-Y]{8}$/);
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });
});
