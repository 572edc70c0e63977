import { describe, expect, it } from 'vitest';
import { createAjv } from './ajv';
import { luhnCheckDigit, residentIdCheckChar, usccCheckChar } from './formats';
import { toFieldErrors } from './messages';

const withId = (first17: string) => first17 + residentIdCheckChar(first17);

/** Per format: field title, a constructed valid value, an invalid one and the expected zh-CN message. */
const cases = {
  residentId: [
    'cn-resident-id',
    '身份证号码',
    withId('11010519900101002'),
    '110105199001010021',
    '有效的18位居民身份证号码',
  ],
  mobile: ['cn-mobile', '手机号码', '13000000000', '12000000000', '有效的11位手机号码'],
  uscc: [
    'cn-uscc',
    '统一社会信用代码',
    `91110108000000000${usccCheckChar('91110108000000000')}`,
    '91110108000000000I',
    '有效的18位统一社会信用代码',
  ],
  region: ['cn-region-code', '所在地区', '440305', '440399', '有效的6位行政区划代码'],
  card: [
    'bank-card',
    '银行卡号',
    `62220202000000000${luhnCheckDigit('62220202000000000')}`,
    '4111111111111112',
    '有效的银行卡号',
  ],
  hmt: [
    'cn-hmt-residence-permit',
    '港澳台居民居住证号码',
    withId('81000019900101002'),
    withId('11010519900101002'),
    '有效的18位港澳台居民居住证号码',
  ],
  foreign: [
    'cn-foreign-permanent-resident-id',
    '外国人永久居留身份证号码',
    withId('91184019900101001'),
    withId('11010519900101002'),
    '有效的18位外国人永久居留身份证号码',
  ],
} as const;

describe('ajv formats with zh-CN messages', () => {
  const schema = {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(cases).map(([key, [format, title]]) => [key, { type: 'string', title, format }]),
    ),
  };
  const validate = createAjv().compile(schema);

  it('accepts a valid value for every format', () => {
    const valid = Object.fromEntries(Object.entries(cases).map(([key, [, , good]]) => [key, good]));
    expect(validate(valid), JSON.stringify(validate.errors)).toBe(true);
  });

  it('names the field and the expected format for every invalid value', () => {
    const invalid = Object.fromEntries(Object.entries(cases).map(([key, [, , , bad]]) => [key, bad]));
    expect(validate(invalid)).toBe(false);
    expect(toFieldErrors(validate.errors ?? [], '/formData')).toEqual(
      Object.entries(cases).map(([key, [, title, , , name]]) => ({
        pointer: `/formData/${key}`,
        code: 'format',
        message: `${title}应为${name}`,
      })),
    );
  });

  it('reads 统一社会信用代码应为有效的18位统一社会信用代码', () => {
    validate({ uscc: 'x' });
    expect(toFieldErrors(validate.errors ?? [])[0]?.message).toBe(
      '统一社会信用代码应为有效的18位统一社会信用代码',
    );
  });
});
