// Headless Chromium for the H5 end-to-end suite and `npm run bench:mp`: Debian's chromium driven by
// playwright-core (see ../../shared/TARO.md). `ensureChromium()` installs it with apt-get when missing.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Installs chromium and the CJK fonts (zh-CN text instead of boxes) when /usr/bin/chromium is absent. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  console.log('chromium missing: apt-get install -y chromium fonts-noto-cjk');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], {
      stdio: 'inherit',
      env,
    });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], {
      stdio: 'inherit',
      env,
    });
  }
  if (!existsSync(CHROMIUM)) throw new Error(`chromium still missing at ${CHROMIUM}`);
  return CHROMIUM;
}

/** Builds the H5 app when miniprogram/dist/h5 has no index.html. */
export function ensureH5Build(root) {
  if (existsSync(join(root, 'miniprogram', 'dist', 'h5', 'index.html'))) return;
  console.log('H5 build missing: npm run build:mp -- h5');
  execFileSync('npm', ['run', 'build:mp', '--', 'h5'], { cwd: root, stdio: 'inherit' });
}

/** A headless browser with a fresh profile; `close()` removes the profile. */
export async function launchChromium() {
  ensureChromium();
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'gcrm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...MOBILE,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser for runs that each want a fresh context (cold cache): `browser.newContext()`. */
export async function launchBrowser() {
  ensureChromium();
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** The mobile viewport of the suite and the bench. */
export const MOBILE = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Where the H5 app is served: the gateway itself once it serves the build (GET / answers the H5 index),
 * otherwise scripts/serve-h5.mjs in front of it. `stop()` ends the proxy this started, if any.
 */
export async function h5Origin(root, gatewayUrl) {
  const index = await fetch(`${gatewayUrl}/`).catch(() => undefined);
  const html = index?.ok ? await index.text() : '';
  if (html.includes('/js/app.')) return { url: gatewayUrl, servedBy: 'gateway', stop: async () => {} };
  const port = await freePort();
  const proxy = spawn(
    process.execPath,
    [join(root, 'miniprogram', 'scripts', 'serve-h5.mjs'), String(port)],
    {
      env: { ...process.env, GCRM_GATEWAY: gatewayUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    proxy.stdout.once('data', resolve);
    proxy.once('exit', (code) => reject(new Error(`serve-h5 exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    servedBy: 'serve-h5.mjs',
    async stop() {
      if (proxy.exitCode !== null) return;
      const gone = new Promise((resolve) => proxy.once('exit', resolve));
      proxy.kill();
      await gone;
    },
  };
}
