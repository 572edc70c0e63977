import { describe, expect, it } from 'vitest';
import { isIdNumber } from '../id-number';
import { DEPT_SOURCE_KEYS } from '../sources';
import { ageOn } from './dates';
import { createPopulation, MAX_POPULATION_SIZE } from './population';

describe('createPopulation', () => {
  it('is deterministic: the same seed gives the same persons and records', () => {
    const a = createPopulation({ seed: 42, size: 500 });
    const b = createPopulation({ seed: 42, size: 500 });
    const c = createPopulation({ seed: 43, size: 500 });
    expect([...a.persons()]).toEqual([...b.persons()]);
    for (const person of a.persons(0, 100)) {
      for (const source of DEPT_SOURCE_KEYS) {
        expect(a.record(source, person.idNumber)).toEqual(b.record(source, person.idNumber));
      }
    }
    expect([...c.persons(0, 20)].map((p) => p.idNumber)).not.toEqual(
      [...a.persons(0, 20)].map((p) => p.idNumber),
    );
  });

  it('does not depend on the size: a person is the same in a smaller and a larger population', () => {
    const small = createPopulation({ seed: 9, size: 1001 });
    const large = createPopulation({ seed: 9, size: 100_000 });
    for (const person of small.persons()) {
      const { deathDate, name, idNumber } = large.person(person.index);
      expect({ deathDate, name, idNumber }).toEqual({
        deathDate: person.deathDate,
        name: person.name,
        idNumber: person.idNumber,
      });
    }
  });

  it('gives unique, valid ID numbers that decode back to their index', () => {
    const population = createPopulation({ seed: 3, size: 40_000 });
    const seen = new Set<string>();
    for (const person of population.persons()) {
      expect(isIdNumber(person.idNumber)).toBe(true);
      seen.add(person.idNumber);
      if (person.index % 13 === 0) expect(population.indexOf(person.idNumber)).toBe(person.index);
    }
    expect(seen.size).toBe(40_000);
    expect(population.indexOf('11010519491231002X')).toBeUndefined();
  });

  it('serves a million persons lazily: the last one is computed on demand', () => {
    const population = createPopulation({ seed: 1, size: 1_000_000 });
    const last = population.person(999_999);
    expect(population.indexOf(last.idNumber)).toBe(999_999);
    expect(population.record('hukou', last.idNumber)?.name).toBe(last.name);
    expect(() => population.person(1_000_000)).toThrow(RangeError);
    expect(() => createPopulation({ size: MAX_POPULATION_SIZE + 1 })).toThrow(RangeError);
  });

  it('has contribution years that fit the age, some near 15 years and some near retirement age', () => {
    const population = createPopulation({ seed: 1, size: 8000 });
    let near15 = 0;
    let nearSixty = 0;
    let retired = 0;
    for (const person of population.persons()) {
      const age = ageOn(person.birthDate, population.asOf);
      if (!person.deathDate && (age === 59 || age === 58)) nearSixty += 1;
      const record = population.record('social-insurance', person.idNumber);
      if (!record) continue;
      expect(age).toBeGreaterThanOrEqual(18);
      const pension = record.insurances[0]!;
      expect(pension.months).toBeLessThanOrEqual((age - 17) * 12);
      expect(pension.years).toBe(Math.floor(pension.months / 12));
      if (pension.years >= 12 && pension.years <= 15) near15 += 1;
      if (record.status === '退休') {
        retired += 1;
        expect(age).toBeGreaterThanOrEqual(record.retirementAge);
        expect(record.employer).toBeNull();
      } else {
        expect(record.employer?.uscc).toMatch(/^91\d{6}MA/);
      }
    }
    expect(near15).toBeGreaterThan(100);
    expect(nearSixty).toBeGreaterThan(20);
    expect(retired).toBeGreaterThan(100);
  });
});
