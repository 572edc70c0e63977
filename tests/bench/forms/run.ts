/**
 * Forms benchmark (`npm run bench:forms`): validations per second of the largest shipped form through
 * the form engine (linkage: computed, hidden, read-only and conditionally required fields, then the
 * JSON Schema with China-grade formats) against plain Ajv on the same schema without linkage, in the
 * same process and run, on the application as the mini-program sends it (linkage applied client-side).
 * Also measured: the same sample with its computed fields missing, which the server must fill in.
 * Rounds alternate; each side's best round counts.
 * Flags: --seconds N per round (default 2), --rounds N (default 5), --form id@version.
 * Last line: {"bench":"forms","ratio":…,"floor":0.5,"validations_per_s":…,"pass":…}
 */
import { parseArgs } from 'node:util';
import { loadCatalog } from '../../../config/catalog/index';
import { FormEngine } from '../../../gateway/src/catalog/form-engine';
import { createAjv } from '../../../gateway/src/platform/validation/ajv';
import { samples } from '../../../gateway/test/form-samples';

const FLOOR = 0.5;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
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
const raw = samples[key]!;
const engine = new FormEngine(form, createAjv());
const plain = createAjv().compile(form.schema);

const checked = engine.process(raw);
if (checked.errors.length > 0) {
  console.error(`sample for ${key} is not valid: ${JSON.stringify(checked.errors)}`);
  process.exit(1);
}
// What the mini-program sends: it renders with the same linkage, so computed fields carry their values
// and hidden ones are absent. The raw sample (computed fields missing) makes the engine fix it up.
const data = JSON.parse(JSON.stringify(checked.data)) as Record<string, unknown>;
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
const fixup: number[] = [];
// Warm both paths up before measuring, so the JIT has settled for each.
measure.call(null, () => engine.process(data));
measure.call(null, () => plain(data));
for (let r = 0; r < rounds; r++) {
  ours.push(measure(() => engine.process(data)));
  base.push(measure(() => plain(data)));
  fixup.push(measure(() => engine.process(raw)));
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
console.log(
  `engine, input to fix | ${best(fixup).toFixed(0).padStart(20)} | ${fixup.map((x) => x.toFixed(0)).join(', ')}  (computed fields missing: copy + fill)`,
);
const ratioFixup = best(fixup) / best(base);
console.log(
  `ratio ${ratio.toFixed(2)} (floor ${FLOOR}); when the server must fill computed fields: ${ratioFixup.toFixed(2)}`,
);
console.log(
  JSON.stringify({
    bench: 'forms',
    form: key,
    ratio: Number(ratio.toFixed(3)),
    ratio_fixup: Number(ratioFixup.toFixed(3)),
    floor: FLOOR,
    validations_per_s: Math.round(best(ours)),
    plain_ajv_per_s: Math.round(best(base)),
    pass: ratio >= FLOOR,
  }),
);
