/** Runs the gateway as a real process (`gateway/src/main.ts`), for crash, shutdown and start-up tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'gateway', 'src', 'main.ts');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  simulatorUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function runMain(env: Record<string, string>): {
  child: ChildProcess;
  exited: GatewayProcess['exited'];
  output: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

/** Starts the gateway and waits for its banner (the URLs it prints). */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
  const run = runMain(env);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = run.output();
    const url = /网关已启动: (http:\/\/[^\s]+)/.exec(out)?.[1];
    // With WECHAT_API_BASE set there is no in-process WeChat simulator: the configured one is used.
    const sim = /微信模拟器: (http:\/\/[^\s]+)/.exec(out)?.[1] ?? env.WECHAT_API_BASE;
    if (url && sim) return { ...run, url, simulatorUrl: sim };
    if (run.child.exitCode !== null) throw new Error(`gateway exited early:\n${out}`);
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      throw new Error(`gateway did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function loginVia(gw: { url: string; simulatorUrl: string }, openid: string): Promise<string> {
  const minted = await fetch(`${gw.simulatorUrl}/__sandbox/login-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid }),
  });
  const { code } = (await minted.json()) as { code: string };
  const res = await fetch(`${gw.url}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (res.status !== 200) throw new Error(`login failed ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A TCP port that was free a moment ago (for a gateway that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
