import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskMiddle, maskPhone } from './mask';

describe('masking', () => {
  it('keeps the first 3 and last 4 characters', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskPhone('13000000001')).toBe('130****0001');
  });
  it('hides short values entirely', () => {
    expect(maskMiddle('1234567')).toBe('*******');
  });
  it('keeps only the administrative part of an address', () => {
    expect(maskAddress('浙江省杭州市西湖区文三路90号')).toBe('浙江省杭州市西湖区****');
    expect(maskAddress('北京市朝阳区建国路1号院2号楼')).toBe('北京市朝阳区****');
    expect(maskAddress('广西壮族自治区南宁市青秀区民族大道100号')).toBe('广西壮族自治区南宁市青秀区****');
    expect(maskAddress('文三路90号')).toBe('文三****');
    expect(maskAddress('杭州市')).toBe('杭****');
  });
  it('never shows more than all but 4 characters of an address, nor its length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), (address) => {
        const masked = maskAddress(address);
        expect(masked.endsWith('****')).toBe(true);
        const shown = [...masked].length - 4;
        expect(shown).toBeLessThanOrEqual(
          Math.max(0, [...address].length - 4, Math.min(3, Math.floor([...address].length / 3))),
        );
        expect(address.startsWith(masked.slice(0, -4))).toBe(true);
      }),
    );
  });
});
