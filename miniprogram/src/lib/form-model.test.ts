import { describe, expect, it } from 'vitest';
import { BAD_ID, demoForm, GOOD_ID } from '../../test/fixtures';
import { applyCompute, errorsByField, fieldStates, submittable, validate, validIdNumber } from './form-model';

describe('form model', () => {
  it('checks the GB 11643 check character', () => {
    expect(validIdNumber(GOOD_ID)).toBe(true);
    expect(validIdNumber(BAD_ID)).toBe(false);
    expect(validIdNumber('110105198805129629')).toBe(true);
  });

  it('shows and requires fields by linkage', () => {
    expect(fieldStates(demoForm, { relation: '母亲' }).proof).toMatchObject({
      visible: false,
      required: false,
    });
    expect(fieldStates(demoForm, { relation: '其他监护人' }).proof).toMatchObject({
      visible: true,
      required: true,
    });
    expect(fieldStates(demoForm, { babyCount: 2 }).birthOrder).toMatchObject({
      visible: true,
      required: true,
    });
    expect(fieldStates(demoForm, { babyCount: 1 }).birthOrder!.visible).toBe(false);
  });

  it('fills computed fields and marks them read-only', () => {
    expect(applyCompute(demoForm, { name: '王示例' }).insuredName).toBe('王示例');
    expect(fieldStates(demoForm, {}).insuredName!.readonly).toBe(true);
  });

  it('drops hidden and empty fields before sending', () => {
    expect(submittable(demoForm, { relation: '母亲', proof: [{ id: 'x' }], name: '', babyCount: 1 })).toEqual(
      {
        relation: '母亲',
        babyCount: 1,
      },
    );
  });

  it('validates required fields, the ID number and consent in zh-CN', () => {
    const errors = validate(demoForm, { relation: '其他监护人', name: '王', idNumber: BAD_ID });
    expect(errors).toEqual({
      name: '申请人姓名至少需要 2 个字符',
      idNumber: '身份证号码应为有效的18位居民身份证号码',
      proof: '请填写监护关系证明',
      agree: '请确认同意调用电子证照',
    });
    expect(validate(demoForm, { relation: '母亲', name: '王示例', idNumber: GOOD_ID, agree: true })).toEqual(
      {},
    );
  });

  it('maps the gateway pointers onto fields, rows included', () => {
    const mapped = errorsByField([
      { pointer: '/formData/idNumber', code: 'format', message: '身份证号码应为有效的18位居民身份证号码' },
      { pointer: '/formData/shareholders/1/name', code: 'required', message: '缺少必填项：姓名' },
      { pointer: '/channel', code: 'enum', message: '渠道不正确' },
    ]);
    expect(mapped.fields).toEqual({
      idNumber: '身份证号码应为有效的18位居民身份证号码',
      shareholders: '第2行：缺少必填项：姓名',
    });
    expect(mapped.other).toEqual(['渠道不正确']);
  });
});
