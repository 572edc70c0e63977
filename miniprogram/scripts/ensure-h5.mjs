// `npm start` runs this first: a fresh checkout has no H5 build, and the gateway serves it at `/`.
// Builds it once (about half a minute) when missing; later starts find it and go straight on.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.WEB_DIR || existsSync(join(root, 'dist', 'h5', 'index.html'))) process.exit(0);
console.log('首次启动：正在构建 H5 应用（约半分钟）…');
const r = spawnSync('node', [join(root, 'scripts', 'build-all.mjs'), 'h5'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) console.warn('H5 构建失败：网关照常启动，首页会提示如何构建（npm run build:mp）。');
