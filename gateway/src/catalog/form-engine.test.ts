import { loadCatalog } from '@gcrm/config/catalog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/form-samples';
import type { Condition } from '../platform/conditions';
import { evaluate } from '../platform/conditions';
import { createAjv } from '../platform/validation/ajv';
import { toFieldErrors } from '../platform/validation/messages';
import { FormEngine } from './form-engine';

const catalog = loadCatalog();
const ajv = createAjv();

/** The linkage rules as the form format defines them, written as plainly as possible: the reference. */
function reference(form: FormEngine['form'], input: Record<string, unknown>) {
  const data: Record<string, unknown> = JSON.parse(JSON.stringify(input));
  const facts = () => ({ form: data });
  const rules = form.linkage ?? [];
  const computed = new Set(rules.filter((r) => r.compute).map((r) => r.field));
  for (const r of rules)
    if (r.readonly && !computed.has(r.field) && evaluate(r.readonly as Condition, facts()))
      delete data[r.field];
  for (const r of rules) {
    if (!r.compute) continue;
    const hit = (r.compute.cases ?? []).find((c) => evaluate(c.when as Condition, facts()));
    const copied = r.compute.copy
      ?.split('.')
      .reduce<unknown>(
        (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
        facts(),
      );
    const value = hit ? hit.value : r.compute.copy ? (copied ?? r.compute.default) : r.compute.default;
    if (value === undefined) delete data[r.field];
    else data[r.field] = value;
  }
  const hidden = rules.filter((r) => r.show && !evaluate(r.show as Condition, facts())).map((r) => r.field);
  const required = rules
    .filter((r) => r.require && evaluate(r.require as Condition, facts()))
    .map((r) => r.field);
  for (const f of hidden) delete data[f];
  const validate = ajv.compile(form.schema);
  const errors = validate(data) ? [] : toFieldErrors(validate.errors ?? []);
  for (const f of required) {
    const v = data[f];
    if (
      !hidden.includes(f) &&
      (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))
    ) {
      if (!errors.some((e) => e.pointer === `/${f}`))
        errors.push({ pointer: `/${f}`, code: 'required', message: '' });
    }
  }
  return { data, pointers: errors.map((e) => `${e.pointer}|${e.code}`).sort() };
}

describe.each(Object.keys(samples))('FormEngine on %s', (key) => {
  const form = catalog.forms.get(key)!;
  const engine = new FormEngine(form, ajv);
  const sample = samples[key]!;
  const fields = Object.keys(form.schema.properties);
  const values = fields
    .flatMap((f) => [
      sample[f],
      ...(((form.schema.properties[f] as { enum?: unknown[] }).enum ?? []) as unknown[]),
    ])
    .filter((v) => v !== undefined);

  it('accepts the sample and fills computed fields', () => {
    const { errors, data } = engine.process(sample);
    expect(errors).toEqual([]);
    for (const rule of form.linkage ?? [])
      if (rule.compute)
        expect(rule.field in JSON.parse(JSON.stringify(data)) || rule.compute.default === undefined).toBe(
          true,
        );
  });

  it('agrees with the plain reference on any edit of the sample (fast and copying paths alike)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...fields),
            fc.oneof(
              fc.constantFrom(...values),
              fc.constant(undefined),
              fc.string({ maxLength: 5 }),
              fc.boolean(),
            ),
          ),
          { maxLength: 6 },
        ),
        fc.boolean(),
        (edits, settle) => {
          let input: Record<string, unknown> = { ...sample };
          // Half the time start from what the mini-program sends: linkage already applied.
          if (settle) input = JSON.parse(JSON.stringify(engine.process(input).data));
          for (const [f, v] of edits) {
            if (v === undefined) delete input[f];
            else input[f] = v;
          }
          const ours = engine.process(input);
          const ref = reference(form, input);
          expect(JSON.parse(JSON.stringify(ours.data))).toEqual(ref.data);
          expect(ours.errors.map((e) => `${e.pointer}|${e.code}`).sort()).toEqual(ref.pointers);
        },
      ),
      { numRuns: 300 },
    );
  });
});
