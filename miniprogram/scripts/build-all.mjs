// Builds every target and prints a size table. Usage: node scripts/build-all.mjs [weapp dd qywx h5]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['weapp', 'dd', 'qywx', 'h5'];
const MAIN_BUDGET = 1024 * 1024; // our budget for WeChat's main package (WeChat's own limit is 2 MB)

function sizeOf(dir, skip = () => false) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    total += entry.isDirectory() ? sizeOf(path, skip) : statSync(path).size;
  }
  return total;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
let failed = false;
for (const type of targets) {
  const out = join(root, 'dist', type);
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  const r = spawnSync('npx', ['taro', 'build', '--type', type], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed = true;
    rows.push({ platform: type, part: 'BUILD FAILED', size: '', note: `${seconds} s` });
    continue;
  }
  rows.push({ platform: type, part: 'total', size: kb(sizeOf(out)), note: `${seconds} s` });
  if (type === 'h5') {
    // First load = what index.html pulls in before any page chunk (phase 2 measures it in Chromium).
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    const gz = assets.reduce((n, a) => n + gzipSync(readFileSync(join(out, a))).length, 0);
    rows.push({ platform: type, part: `first load (${assets.length} files, gzip)`, size: kb(gz), note: '' });
  }
  if (type !== 'h5') {
    const app = JSON.parse(readFileSync(join(out, 'app.json'), 'utf8'));
    const subRoots = (app.subPackages ?? app.subpackages ?? []).map((s) => join(out, s.root));
    const main = sizeOf(out, (p) => subRoots.some((s) => p === s || p.startsWith(`${s}/`)));
    const ok = main <= MAIN_BUDGET;
    if (!ok && type === 'weapp') failed = true;
    rows.push({ platform: type, part: 'main package', size: kb(main), note: ok ? '≤ 1 MB ✓' : '> 1 MB ✗' });
    for (const s of subRoots)
      rows.push({
        platform: type,
        part: `subpackage ${s.slice(out.length + 1)}`,
        size: kb(sizeOf(s)),
        note: '',
      });
  }
}
console.log('\nplatform | part | size | note');
console.log('---|---|---|---');
for (const r of rows) console.log(`${r.platform} | ${r.part} | ${r.size} | ${r.note}`);
process.exit(failed ? 1 : 0);
