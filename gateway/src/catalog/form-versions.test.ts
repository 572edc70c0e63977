import { loadCatalog } from '@gcrm/config/catalog';
import { describe, expect, it } from 'vitest';
import { compatibilityProblems, migrateFormData } from './form-versions';

const catalog = loadCatalog();
const v1 = catalog.forms.get('maternity-allowance@1')!;
const v2 = catalog.forms.get('maternity-allowance@2')!;

describe('form versions', () => {
  it('the shipped maternity-allowance@2 is compatible with @1', () => {
    expect(compatibilityProblems(v1, v2)).toEqual([]);
  });

  it('carries a v1 draft to v2: split name, renamed remark, defaulted new required field', () => {
    const draft = { applicantName: '欧阳测试', remark: '双胞胎', deliveryType: '顺产', dropped: 'x' };
    const migrated = migrateFormData(draft, 1, [v1, v2]);
    expect(migrated).toMatchObject({
      familyName: '欧',
      givenName: '阳测试',
      note: '双胞胎',
      babyCount: 1,
      deliveryType: '顺产',
    });
    expect(migrated).not.toHaveProperty('applicantName');
    expect(migrated).not.toHaveProperty('remark');
    expect(migrated).not.toHaveProperty('dropped');
  });

  it('splits on a separator, keeping the rest in the last field, and removes fields', () => {
    const next = {
      ...v2,
      version: 3,
      migrations: [
        { op: 'split' as const, from: 'note', to: ['familyName', 'givenName'], separator: ' ' },
        { op: 'remove' as const, field: 'babyCount' },
      ],
    };
    expect(migrateFormData({ note: 'a b c', babyCount: 2 }, 2, [next])).toEqual({
      familyName: 'a',
      givenName: 'b c',
    });
  });

  it('names what a new version would strand', () => {
    const broken = { ...v2, migrations: [] };
    const problems = compatibilityProblems(v1, broken);
    expect(problems.join('\n')).toContain('applicantName');
    expect(problems.join('\n')).toContain('babyCount');
    expect(problems.join('\n')).toContain('remark');
    const typeChange = {
      ...v1,
      version: 2,
      schema: {
        ...v1.schema,
        properties: { ...v1.schema.properties, employer: { type: 'integer', title: '工作单位' } },
      },
    };
    expect(compatibilityProblems(v1, typeChange)).toEqual([expect.stringContaining('employer')]);
    const wrongTarget = {
      ...v2,
      migrations: [...(v2.migrations ?? []), { op: 'rename' as const, from: 'nope', to: 'alsoNope' }],
    };
    expect(compatibilityProblems(v1, wrongTarget).length).toBe(2);
  });
});
