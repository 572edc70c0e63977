import { loadCatalog } from '../../../config/catalog/index';
import { FormEngine } from '../../../gateway/src/catalog/form-engine';
import { createAjv } from '../../../gateway/src/platform/validation/ajv';
import { samples } from './samples';

const c = loadCatalog();
const f = c.forms.get('newborn@1')!;
const e = new FormEngine(f, createAjv());
const d = samples['newborn@1']!;
const plain = createAjv().compile(f.schema);
const r = e.process(d);
console.log('errors', r.errors.length, 'keys in', Object.keys(d).length, 'out', Object.keys(r.data).length);
for (const [name, fn] of [
  ['engine', () => e.process(d)],
  ['plain', () => plain(d)],
  ['plain-on-processed', () => plain(r.data)],
  ['engine', () => e.process(d)],
] as const) {
  const t = performance.now() + 2000;
  let n = 0;
  while (performance.now() < t) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  console.log(name, n / 2);
}
