import { describe, expect, it } from 'vitest';
import { type FieldUi, loadCatalog, widgetProblems } from './index';

const str = (extra = {}) => ({ type: 'string', title: 'x', ...extra });
const attachmentSchema = {
  type: 'array',
  title: 'x',
  items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
};

// For each widget: a schema it can edit, and one it cannot.
const cases: [FieldUi, Record<string, unknown>, Record<string, unknown>][] = [
  [{ widget: 'text' }, str(), { type: 'number' }],
  [{ widget: 'textarea' }, str(), { type: 'boolean' }],
  [{ widget: 'number' }, { type: 'integer' }, str()],
  [{ widget: 'money' }, { type: 'number', multipleOf: 0.01 }, { type: 'integer' }],
  [{ widget: 'date' }, str({ format: 'date' }), str()],
  [
    { widget: 'date-range' },
    { type: 'object', properties: { start: str({ format: 'date' }), end: str({ format: 'date' }) } },
    str({ format: 'date' }),
  ],
  [
    { widget: 'select', options: [{ value: 'a', label: 'A' }] },
    str({ enum: ['a', 'b'] }),
    str({ enum: ['b'] }),
  ],
  [{ widget: 'radio' }, str({ enum: ['是', '否'] }), str()],
  [
    { widget: 'checkbox' },
    { type: 'array', items: { enum: ['a'] }, uniqueItems: true },
    { type: 'array', items: str() },
  ],
  [{ widget: 'switch' }, { type: 'boolean' }, str()],
  [{ widget: 'region', regionLevel: 'district' }, str({ format: 'cn-region-code' }), str()],
  [{ widget: 'phone' }, str({ format: 'cn-mobile' }), str()],
  [{ widget: 'id-number' }, str({ format: 'cn-resident-id' }), str({ format: 'cn-mobile' })],
  [{ widget: 'uscc' }, str({ format: 'cn-uscc' }), str()],
  [{ widget: 'person-picker' }, str(), { type: 'integer' }],
  [{ widget: 'department-picker' }, { type: 'array', items: str() }, { type: 'boolean' }],
  [{ widget: 'attachment', accept: ['pdf'] }, attachmentSchema, { type: 'array', items: str() }],
  [{ widget: 'signature' }, str({ maxLength: 200000 }), { type: 'object' }],
  [
    { widget: 'table', columns: { name: { widget: 'text' }, idNumber: { widget: 'id-number' } } },
    {
      type: 'array',
      items: { type: 'object', properties: { name: str(), idNumber: str({ format: 'cn-resident-id' }) } },
    },
    { type: 'array', items: { type: 'object', properties: { name: str(), idNumber: str() } } },
  ],
];

describe('widget ↔ schema checks', () => {
  it.each(cases)('%o accepts what it can edit and names what it cannot', (ui, good, bad) => {
    expect(widgetProblems(ui, good)).toEqual([]);
    const problems = widgetProblems(ui, bad);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('covers every widget type, and the shipped catalog uses them all, each correctly', () => {
    const catalog = loadCatalog();
    const used = new Set<string>();
    for (const form of catalog.forms.values()) {
      for (const ui of Object.values(form.ui.fields)) {
        used.add(ui.widget);
        for (const col of Object.values(ui.columns ?? {})) used.add(col.widget);
      }
    }
    const all = cases.map(([ui]) => ui.widget).sort();
    expect([...used].sort()).toEqual(all);
    expect(all).toHaveLength(19);
  });
});
