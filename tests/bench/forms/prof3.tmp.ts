import { samples } from './samples';

const d = samples['newborn@1']!;
const keys = [...Object.keys(d), 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10'];
function time(name: string, fn: () => unknown) {
  for (let i = 0; i < 20000; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < 200000; i++) fn();
  console.log(name.padEnd(30), ((performance.now() - t0) / 200).toFixed(2), 'µs');
}
time('spread', () => ({ ...d }));
time('spread + 2 new', () => {
  const o: any = { ...d };
  o.x1 = 1;
  o.x2 = 2;
  return o;
});
time('assign + 2 new', () => {
  const o: any = Object.assign({}, d);
  o.x1 = 1;
  o.x2 = 2;
  return o;
});
time('keyed build 53', () => {
  const o: any = {};
  for (const k of keys) o[k] = (d as any)[k];
  return o;
});
time('fromEntries', () => Object.fromEntries(keys.map((k) => [k, (d as any)[k]])));
time('Map', () => {
  const m = new Map();
  for (const k of keys) m.set(k, (d as any)[k]);
  return m;
});
time('spread + set existing', () => {
  const o: any = { ...d };
  o.babyName = undefined;
  o.fatherName = undefined;
  return o;
});
const template: any = {};
for (const k of keys) template[k] = undefined;
const frozenTemplate = { ...template };
time('spread template+input', () => ({ ...frozenTemplate, ...d }));
time('spread tmpl+input + set', () => {
  const o: any = { ...frozenTemplate, ...d };
  o.x1 = 1;
  o.x2 = 2;
  return o;
});
time('assign(spread tmpl, input)', () => Object.assign({ ...frozenTemplate }, d));
