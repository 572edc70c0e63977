import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../platform/validation/formats';
import { findPii, maskPii, maskPiiText, piiKindsIn } from './audit-pii';

const residentId = fc
  .tuple(
    fc.integer({ min: 110000, max: 659999 }),
    fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, birth, sequence]) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
    return first17 + residentIdCheckChar(first17);
  });
const mobile = fc
  .tuple(fc.constantFrom(...'3456789'), fc.stringMatching(/^\d{9}$/))
  .map(([b, r]) => `1${b}${r}`);

describe('audit PII guard', () => {
  it('finds every valid resident ID and mobile number inside text, and masks it away', () => {
    fc.assert(
      fc.property(residentId, mobile, fc.string({ maxLength: 8 }), (id, phone, filler) => {
        // A number glued to Latin letters or digits is part of an identifier (see the UUID case below).
        const text = `申请人${id}，电话 ${phone}。${filler.replace(/\d/g, '')}`;
        expect(piiKindsIn(text)).toEqual(['resident_id', 'mobile']);
        const masked = maskPiiText(text);
        expect(piiKindsIn(masked)).toEqual([]);
        expect(masked).not.toContain(id.slice(3, 14));
        expect(masked).toContain(`${id.slice(0, 3)}***********${id.slice(-4)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves 18-digit numbers with a wrong check character, timestamps and masked values alone', () => {
    fc.assert(
      fc.property(residentId, (id) => {
        const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
        expect(piiKindsIn(`order ${wrong}`)).toEqual([]);
      }),
    );
    expect(piiKindsIn('1780000000000 110***********002X 138****5678 2026112700012345')).toEqual([]);
  });

  it('recognises the usual ways of writing a mobile number', () => {
    for (const text of [
      '13812345678',
      '+8613812345678',
      '+86 138-1234-5678',
      '138 1234 5678',
      'tel:19912345678;',
    ]) {
      expect(piiKindsIn(text)).toEqual(['mobile']);
    }
    for (const text of ['12812345678', '138123456789', '1381234567']) expect(piiKindsIn(text)).toEqual([]);
  });

  it('names paths (keys masked) and masks nested values, numbers included', () => {
    const value = { a: [{ b: 13812345678 }], '11010519491231002X': 'x', ok: 'fine' };
    expect(findPii(value)).toEqual([
      { path: '/a/0/b', kind: 'mobile' },
      { path: '/110***********002X (key)', kind: 'resident_id' },
    ]);
    expect(maskPii(value)).toEqual({ a: [{ b: '138****5678' }], '110***********002X': 'x', ok: 'fine' });
  });

  it('never takes the digits inside ids (UUIDs, hex keys) for a phone or ID number', () => {
    // 0.1% of random UUIDs held a run such as `d145-4823-9199` that the unbounded pattern took for a mobile.
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(piiKindsIn(id)).toEqual([]);
        expect(piiKindsIn(`delivery ${id} failed`)).toEqual([]);
      }),
      { numRuns: 20_000 },
    );
    expect(piiKindsIn('7c1e0a5b-d145-4823-9199-a15773950140')).toEqual([]);
    expect(piiKindsIn('申请人电话13812345678，请回电')).toEqual(['mobile']);
  });
});
