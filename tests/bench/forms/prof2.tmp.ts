import { loadCatalog } from '../../../config/catalog/index';
import { FormEngine } from '../../../gateway/src/catalog/form-engine';
import { createAjv } from '../../../gateway/src/platform/validation/ajv';
import { samples } from './samples';

const c = loadCatalog();
const f = c.forms.get('newborn@1')!;
const e = new FormEngine(f, createAjv());
const d = samples['newborn@1']!;
const t = performance.now() + 4000;
let n = 0;
while (performance.now() < t) {
  for (let i = 0; i < 100; i++) e.process(d);
  n += 100;
}
console.log(n / 4);
