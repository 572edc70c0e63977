import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAjv } from './ajv';
import { toFieldErrors } from './messages';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'a/b'],
  properties: {
    name: { type: 'string', title: '姓名', minLength: 2 },
    'a/b': { type: 'integer', title: '数量', maximum: 3 },
    id: { type: 'string', title: '身份证号码', format: 'cn-resident-id' },
    kind: { enum: ['x', 'y'], title: '类型' },
  },
};

describe('toFieldErrors', () => {
  const validate = createAjv().compile(schema);

  it('points at each bad field, escapes JSON pointer segments and names fields by title', () => {
    validate({ extra: 1, id: '123', kind: 'z', name: 'a' });
    const errors = toFieldErrors(validate.errors ?? [], '/formData');
    expect(errors).toEqual(
      expect.arrayContaining([
        { pointer: '/formData/a~1b', code: 'required', message: '缺少必填项：数量' },
        { pointer: '/formData/extra', code: 'unknown_field', message: '不允许的字段：extra' },
        { pointer: '/formData/id', code: 'format', message: '身份证号码应为有效的18位居民身份证号码' },
        { pointer: '/formData/kind', code: 'enum', message: '类型的取值不在允许范围内' },
        { pointer: '/formData/name', code: 'minLength', message: '姓名至少需要 2 个字符' },
      ]),
    );
  });

  it('always yields a pointer, a code and a Chinese message for any input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        if (validate(value)) return;
        for (const e of toFieldErrors(validate.errors ?? [])) {
          expect(e.pointer).toMatch(/^\//);
          expect(e.code).toBeTruthy();
          expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
