import { beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdRecord } from '../records';
import { ageOn } from './dates';
import { createPopulation, type Population } from './population';

let population: Population;
const hukou = (id: string): HouseholdRecord => {
  const record = population.record('hukou', id);
  if (!record) throw new Error(`not in 户籍: ${id}`);
  return record;
};

beforeAll(() => {
  population = createPopulation({ seed: 11, size: 4003 });
});

describe('cross-source consistency', () => {
  it('births link to a mother and father who are in 户籍, born after the marriage', () => {
    let births = 0;
    for (const person of population.persons()) {
      const health = population.record('health', person.idNumber);
      for (const certificate of health?.birthCertificates ?? []) {
        if (certificate.baby.idNumber !== person.idNumber) continue;
        births += 1;
        const mother = hukou(certificate.mother.idNumber);
        expect(mother.gender).toBe('女');
        expect(mother.name).toBe(certificate.mother.name);
        expect(ageOn(mother.birthDate, certificate.birthDate)).toBeGreaterThanOrEqual(20);
        if (certificate.father) expect(hukou(certificate.father.idNumber).gender).toBe('男');
        const marriage = population.record('marriage', mother.idNumber);
        expect((marriage?.registrations[0]?.date ?? '9999') < certificate.birthDate).toBe(true);
        expect(hukou(person.idNumber).events.map((e) => e.type)).toContain('birth_registered');
      }
    }
    expect(births).toBeGreaterThan(500);
  });

  it('marriages pair two persons of 户籍 of different gender and legal age', () => {
    let marriages = 0;
    for (const person of population.persons()) {
      for (const registration of population.record('marriage', person.idNumber)?.registrations ?? []) {
        marriages += 1;
        const a = hukou(registration.partyA.idNumber);
        const b = hukou(registration.partyB.idNumber);
        expect([a.gender, b.gender].sort()).toEqual(['女', '男']);
        const husband = a.gender === '男' ? a : b;
        const wife = a.gender === '男' ? b : a;
        if (registration.kind === '结婚') {
          expect(ageOn(husband.birthDate, registration.date)).toBeGreaterThanOrEqual(22);
          expect(ageOn(wife.birthDate, registration.date)).toBeGreaterThanOrEqual(20);
        }
      }
    }
    expect(marriages).toBeGreaterThan(1000);
  });

  it('household heads, property owners and the deceased are consistent between sources', () => {
    for (const person of population.persons()) {
      const record = hukou(person.idNumber);
      expect(hukou(record.householdHeadIdNumber).relationToHead).toBe('户主');
      expect(record.events.every((e) => e.date <= population.asOf)).toBe(true);
      for (const property of population.record('property', person.idNumber)?.properties ?? []) {
        for (const owner of property.owners) expect(hukou(owner.idNumber).name).toBe(owner.name);
        expect(property.registrationDate <= population.asOf).toBe(true);
      }
      const health = population.record('health', person.idNumber);
      if (record.status === '死亡注销') {
        expect(health?.deathCertificates[0]?.deathDate).toBe(record.deathDate);
        expect(population.record('social-insurance', person.idNumber)).toBeUndefined();
      }
    }
  });

  it('school-age children have school records that match their age', () => {
    let pupils = 0;
    for (const person of population.persons()) {
      const age = ageOn(person.birthDate, population.asOf);
      const education = population.record('education', person.idNumber);
      if (age >= 8 && age <= 12) {
        pupils += 1;
        expect(education?.enrolments[0]?.stage).toBe('primary');
        expect(education?.enrolments.at(-1)?.status).toBe('在读');
      }
      if (age < 5) expect(education).toBeUndefined();
      for (const enrolment of education?.enrolments ?? []) {
        expect(enrolment.entryDate <= population.asOf).toBe(true);
        expect(enrolment.entryDate > person.birthDate).toBe(true);
      }
    }
    expect(pupils).toBeGreaterThan(50);
  });
});
