/**
 * Forms benchmark (`npm run bench:forms`): validations per second of the largest shipped form through
 * the form engine (linkage: computed, hidden, read-only and conditionally required fields, then the
 * JSON Schema with China-grade formats) against plain Ajv on the same schema without linkage, in the
 * same process and run. Rounds alternate between the two; each side's best round counts.
 * Flags: --seconds N per round (default 2), --rounds N (default 3), --form id@version.
 * Last line: {"bench":"forms","ratio":…,"floor":0.5,"validations_per_s":…,"pass":…}
 */
import { parseArgs } from 'node:util';
import { loadCatalog } from '../../../config/catalog/index';
import { FormEngine } from '../../../gateway/src/catalog/form-engine';
import { createAjv } from '../../../gateway/src/platform/validation/ajv';
import { samples } from './samples';

const FLOOR = 0.5;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    form: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const catalog = loadCatalog();
const size = (schema: Record<string, unknown>): number => {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  let n = 0;
  for (const p of Object.values(props)) {
    n += 1;
    const items = p.items as Record<string, unknown> | undefined;
    if (items?.properties) n += size(items);
  }
  return n;
};
const key =
  values.form ??
  [...catalog.forms.entries()]
    .filter(([k]) => samples[k])
    .sort(([, a], [, b]) => size(b.schema) - size(a.schema))[0]![0];
const form = catalog.forms.get(key)!;
const data = samples[key]!;
const engine = new FormEngine(form, createAjv());
const plain = createAjv().compile(form.schema);

const checked = engine.process(data);
if (checked.errors.length > 0) {
  console.error(`sample for ${key} is not valid: ${JSON.stringify(checked.errors)}`);
  process.exit(1);
}
const plainOk = plain(data);

function measure(work: () => void): number {
  const until = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) work();
    n += 100;
  }
  return n / seconds;
}

const ours: number[] = [];
const base: number[] = [];
// Warm both paths up before measuring, so the JIT has settled for each.
measure.call(null, () => engine.process(data));
measure.call(null, () => plain(data));
for (let r = 0; r < rounds; r++) {
  ours.push(measure(() => engine.process(data)));
  base.push(measure(() => plain(data)));
}
const best = (xs: number[]) => Math.max(...xs);
const ratio = best(ours) / best(base);

console.log(
  `form ${key}: ${size(form.schema)} fields (table columns included), ${(form.linkage ?? []).length} linkage rules; plain Ajv accepts the sample: ${plainOk}`,
);
console.log('');
console.log('validator            | validations/s (best) | rounds');
console.log('---------------------|----------------------|-------------------------');
console.log(
  `form engine+linkage  | ${best(ours).toFixed(0).padStart(20)} | ${ours.map((x) => x.toFixed(0)).join(', ')}`,
);
console.log(
  `plain Ajv (no link.) | ${best(base).toFixed(0).padStart(20)} | ${base.map((x) => x.toFixed(0)).join(', ')}`,
);
console.log(`ratio ${ratio.toFixed(2)} (floor ${FLOOR})`);
console.log(
  JSON.stringify({
    bench: 'forms',
    form: key,
    ratio: Number(ratio.toFixed(3)),
    floor: FLOOR,
    validations_per_s: Math.round(best(ours)),
    plain_ajv_per_s: Math.round(best(base)),
    pass: ratio >= FLOOR,
  }),
);
