import { expect } from 'vitest';
import { call } from './http';

/**
 * Starts a scheduled job now (`POST /api/v1/admin/jobs/{name}/run`, as a 系统管理员 whose token is given)
 * and waits for that run to end; returns its `job_runs` row as the API shows it.
 */
export async function runJobToEnd(gatewayUrl: string, token: string, name: string, attempts = 200) {
  const started = await call(`${gatewayUrl}/api/v1/admin/jobs/${name}/run`, { token, body: {} });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let i = 0; i < attempts; i++) {
    const runs = await call(`${gatewayUrl}/api/v1/admin/jobs/${name}/runs`, { token });
    const run = runs.body.items.find((r: { id: string }) => r.id === started.body.runId);
    if (run && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not finish`);
}
