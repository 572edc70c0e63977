import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidValue, keyType } from './value-rules';

describe('keyType', () => {
  it('reads the type prefix and a 1-3 digit index', () => {
    expect(keyType('thing1')).toBe('thing');
    expect(keyType('character_string12')).toBe('character_string');
    expect(keyType('phone_number3')).toBe('phone_number');
    expect(keyType('thing')).toBeUndefined();
    expect(keyType('thing0')).toBeUndefined();
    expect(keyType('enum1')).toBeUndefined();
    expect(keyType('__proto__1')).toBeUndefined();
  });
});

describe('isValidValue (platforms.md §1.3 value rules)', () => {
  const cases: [string, string, boolean][] = [
    ['thing1', '生育津贴申领', true],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十', true],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', false],
    ['thing1', '换行\n不行', false],
    ['thing1', '', false],
    ['number2', '12.5', true],
    ['number2', '12a', false],
    ['letter3', 'abcXYZ', true],
    ['letter3', 'abc1', false],
    ['symbol4', '%$#', true],
    ['symbol4', '%%%%%%', false],
    ['character_string5', 'GC-2026-000123', true],
    ['character_string5', 'has space', false],
    ['character_string5', 'x'.repeat(33), false],
    ['time6', '15:01', true],
    ['time6', '2026年11月27日 10:00', true],
    ['time6', '2026-11-27 10:00~2026-11-27 12:00', true],
    ['time6', '25:00', false],
    ['date7', '2026年11月27日', true],
    ['date7', '2026-11-27', true],
    ['date7', '2026/11/27 10:00', true],
    ['date7', '2026-11/27', false],
    ['amount8', '¥100.00', true],
    ['amount8', '100元', true],
    ['amount8', '12345678901元', false],
    ['phone_number9', '+86-010-12345678', true],
    ['phone_number9', '1'.repeat(18), false],
    ['car_number10', '粤A12345', true],
    ['car_number10', '粤A1234567', false],
    ['name11', '张三', true],
    ['name11', '张三李四王五赵六孙七周', false],
    ['name11', 'Zhang San', true],
    ['phrase12', '已办结', true],
    ['phrase12', '已经全部办结了', false],
    ['phrase12', 'done', false],
  ];
  it.each(cases)('%s = %j → %s', (key, value, valid) => {
    expect(isValidValue(key, value)).toBe(valid);
  });

  it('non-strings and unknown keys are invalid', () => {
    expect(isValidValue('thing1', 5)).toBe(false);
    expect(isValidValue('nothing1', 'x')).toBe(false);
  });

  it('never throws on arbitrary keys and values (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('thing1', 'time2', 'date3', 'name4')),
        fc.anything(),
        (key, value) => {
          expect(typeof isValidValue(key, value)).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
