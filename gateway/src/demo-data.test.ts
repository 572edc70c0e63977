// The sandbox's demo data: a submitted case and three closed ones with a delivery choice and a rating,
// so that the staff dashboard shows something on `npm start`; a restart adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../tests/support/http';
import { createTestEnv, dialect, type TestEnv } from '../test/test-env';
import { type Gateway, startGateway } from '.';
import { createLogger } from './platform/logger';

describe(`demo data (${dialect})`, () => {
  let env: TestEnv;
  let gateway: Gateway | undefined;
  const start = async () => {
    gateway = await startGateway(env.config, {
      redisPrefix: env.redisPrefix,
      logger: createLogger('silent'),
    });
    const login = await call(`${gateway.url}/api/v1/auth/staff/sandbox`, {
      body: { staffId: 'st-hrss-clerk-1' },
    });
    return { url: gateway.url, staff: login.body.accessToken as string };
  };

  beforeAll(async () => {
    env = await createTestEnv({ DEMO_DATA: 'true', WORKFLOW_TIMER_INTERVAL_MS: '60000' });
  });
  afterAll(async () => {
    await gateway?.close();
    await env?.cleanup();
  });

  it('seeds closed, rated cases once', async () => {
    const first = await start();
    const board = await call(`${first.url}/api/v1/staff/dashboard?days=7`, { token: first.staff });
    expect(board.status).toBe(200);
    expect(board.body.counts).toMatchObject({ inProgress: 1, completedInPeriod: 3, acceptedInPeriod: 3 });
    expect(board.body.satisfaction).toMatchObject({
      ratings: 3,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 },
    });
    await gateway!.close();
    gateway = undefined;

    const again = await start();
    const after = await call(`${again.url}/api/v1/staff/dashboard?days=7`, { token: again.staff });
    expect(after.body.counts).toEqual(board.body.counts);
    expect(after.body.satisfaction).toEqual(board.body.satisfaction);
  });
});
