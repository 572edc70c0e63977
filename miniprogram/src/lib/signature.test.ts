import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addPoint,
  fromBase64,
  isDrawnSignature,
  SIGNATURE_PREFIX,
  type Stroke,
  signatureValue,
  svgOf,
  toBase64,
} from './signature';

const point = fc.record({
  x: fc.double({ min: -50, max: 700, noNaN: true }),
  y: fc.double({ min: -50, max: 300, noNaN: true }),
});
const strokes = fc.array(fc.array(point, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 });

describe('signature values', () => {
  it('base64 agrees with Node for any ASCII text, both ways', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }),
        (s) => {
          const b64 = toBase64(s);
          expect(b64).toBe(Buffer.from(s, 'latin1').toString('base64'));
          expect(fromBase64(b64)).toBe(s);
        },
      ),
    );
  });

  it('refuses malformed or non-ASCII base64', () => {
    expect(fromBase64('abc')).toBeUndefined();
    expect(fromBase64('a$==')).toBeUndefined();
    expect(fromBase64(Buffer.from('签名').toString('base64'))).toBeUndefined();
  });

  it('every drawing is recognised as one, and stays inside its pad', () => {
    fc.assert(
      fc.property(
        strokes,
        fc.integer({ min: 100, max: 600 }),
        fc.integer({ min: 80, max: 240 }),
        (s, w, h) => {
          const value = signatureValue(s, w, h);
          expect(value.startsWith(SIGNATURE_PREFIX)).toBe(true);
          expect(isDrawnSignature(value)).toBe(true);
          const svg = fromBase64(value.slice(SIGNATURE_PREFIX.length)) ?? '';
          for (const [, x, y] of svg.matchAll(/[ML](\d+) (\d+)/g)) {
            expect(Number(x)).toBeLessThanOrEqual(w);
            expect(Number(y)).toBeLessThanOrEqual(h);
          }
        },
      ),
    );
  });

  it('nothing drawn is an empty value', () => {
    expect(signatureValue([], 300, 150)).toBe('');
    expect(signatureValue([[]], 300, 150)).toBe('');
  });

  it('a tap is a dot, a stroke keeps only visible steps', () => {
    let s: Stroke = [];
    s = addPoint(s, { x: 10, y: 10 });
    s = addPoint(s, { x: 10.5, y: 10.5 });
    s = addPoint(s, { x: 20, y: 12 });
    expect(s).toHaveLength(2);
    expect(svgOf([[{ x: 5, y: 5 }]], 100, 50)).toContain('d="M5 5L5 5"');
  });

  it('typed names, other images and tampered drawings are not shown as drawings', () => {
    const good = signatureValue(
      [
        [
          { x: 1, y: 1 },
          { x: 30, y: 20 },
        ],
      ],
      300,
      150,
    );
    const svg = fromBase64(good.slice(SIGNATURE_PREFIX.length)) ?? '';
    const tampered = [
      svg.replace('<path', '<script>alert(1)</script><path'),
      svg.replace('stroke="#111"', 'stroke="url(https://evil.example/x)"'),
      svg.replace('M1 1', 'M1 1"/><image href="https://evil.example/x'),
      `${svg}<svg/>`,
    ];
    for (const t of tampered) expect(isDrawnSignature(SIGNATURE_PREFIX + toBase64(t))).toBe(false);
    expect(isDrawnSignature('林测试')).toBe(false);
    expect(isDrawnSignature('data:image/png;base64,iVBORw0KGgo=')).toBe(false);
    expect(isDrawnSignature(undefined)).toBe(false);
  });
});
