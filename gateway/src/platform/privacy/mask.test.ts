import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskMiddle, maskPhone } from './mask';

describe('masking', () => {
  it('keeps the first 3 and last 4 characters', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskPhone('13000000001')).toBe('130****0001');
  });
  it('hides short values entirely', () => {
    expect(maskMiddle('1234567')).toBe('*******');
  });
});
