import type { FormDefinition } from '../src/services/types';

export const demoForm: FormDefinition = {
  id: 'demo',
  version: 1,
  title: '示例申请表',
  schema: {
    type: 'object',
    required: ['relation', 'name', 'idNumber', 'agree'],
    properties: {
      relation: { type: 'string', title: '与新生儿关系', enum: ['母亲', '父亲', '其他监护人'] },
      name: { type: 'string', title: '申请人姓名', minLength: 2, maxLength: 30 },
      idNumber: { type: 'string', title: '身份证号码', format: 'cn-resident-id' },
      proof: { type: 'array', title: '监护关系证明', maxItems: 2 },
      insuredName: { type: 'string', title: '参保人姓名' },
      babyCount: { type: 'integer', title: '婴儿数', minimum: 1, maximum: 6 },
      birthOrder: { type: 'integer', title: '第几胎' },
      agree: { type: 'boolean', title: '同意调用电子证照', const: true },
    },
  },
  ui: {
    sections: [
      { title: '申请人', fields: ['relation', 'name', 'idNumber', 'proof'] },
      { title: '新生儿', fields: ['insuredName', 'babyCount', 'birthOrder', 'agree'] },
    ],
    fields: {
      relation: { widget: 'radio' },
      name: { widget: 'text' },
      idNumber: { widget: 'id-number' },
      proof: { widget: 'attachment', material: 'guardianship-proof', accept: ['pdf', 'jpg'], maxFiles: 2 },
      insuredName: { widget: 'text' },
      babyCount: { widget: 'number' },
      birthOrder: { widget: 'number' },
      agree: { widget: 'switch' },
    },
  },
  linkage: [
    {
      field: 'proof',
      show: { fact: 'form.relation', operator: 'in', value: ['其他监护人'] },
      require: { fact: 'form.relation', operator: 'in', value: ['其他监护人'] },
    },
    {
      field: 'birthOrder',
      show: { fact: 'form.babyCount', operator: 'greaterThanInclusive', value: 2 },
      require: { fact: 'form.babyCount', operator: 'greaterThanInclusive', value: 2 },
    },
    { field: 'insuredName', compute: { copy: 'form.name' } },
  ],
};

// Fictitious ID numbers (9xx sequence) made here with a correct GB 11643 check character, and one off by one.
const idWithCheck = (first17: string) => {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * (weights[i] as number), 0);
  return first17 + '10X98765432'[sum % 11];
};
export const GOOD_ID = idWithCheck(['110105', '19900307', '951'].join(''));
export const BAD_ID = GOOD_ID.slice(0, 17) + (GOOD_ID.endsWith('4') ? '5' : '4');
