import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Gateway } from '../src';
import { startGateway } from '../src';
import { createLogger } from '../src/platform/logger';
import { residentIdCheckChar } from '../src/platform/validation/formats';
import { clearPiiIn } from './pii-scan';
import { createTestEnv, type TestEnv } from './test-env';

export interface TestGateway {
  gateway: Gateway;
  env: TestEnv;
  url: string;
  /** Logs a citizen in through the WeChat simulator and returns its tokens. */
  login(openid?: string): Promise<{ accessToken: string; refreshToken: string; citizenId: string }>;
  /** Signs a staff member of the seeded demo org in through the sandbox; returns the access token. */
  staffLogin(staffId: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestGateway(extra: Record<string, string> = {}): Promise<TestGateway> {
  const env = await createTestEnv(extra);
  // Every log line of every suite is scanned for clear ID and phone numbers (then dropped).
  const leaks: string[] = [];
  const scanner = new Writable({
    write(chunk, _encoding, done) {
      for (const hit of clearPiiIn(String(chunk))) leaks.push(hit);
      done();
    },
  });
  const gateway = await startGateway(env.config, {
    redisPrefix: env.redisPrefix,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'debug', scanner),
  });
  const url = gateway.url;
  return {
    gateway,
    env,
    url,
    async login(openid = `o-test-${randomUUID()}`) {
      const code = gateway.wechatSimulator!.mintLoginCode(openid);
      const res = await fetch(`${url}/api/v1/auth/wechat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as {
        accessToken: string;
        refreshToken: string;
        citizen: { id: string };
      };
      return { accessToken: body.accessToken, refreshToken: body.refreshToken, citizenId: body.citizen.id };
    },
    async staffLogin(staffId: string) {
      const res = await fetch(`${url}/api/v1/auth/staff/sandbox`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ staffId }),
      });
      if (res.status !== 200) throw new Error(`staff login failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
    async stop() {
      await gateway.close();
      await env.cleanup();
      if (leaks.length > 0) throw new Error(`the gateway logged clear personal data: ${leaks.join(', ')}`);
    },
  };
}

/** A fictitious but valid resident ID number (real district code and date, made-up sequence). */
export function fakeIdNumber(seq = 123, birth = '19900307', district = '110105'): string {
  const first17 = `${district}${birth}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

export function validApplication(overrides: Record<string, unknown> = {}) {
  return {
    serviceCode: 'hrss.maternity-allowance',
    channel: 'wechat',
    formData: {
      applicantName: '王测试',
      idNumber: fakeIdNumber(),
      phone: '13000000001',
      deliveryDate: '2026-10-01',
      deliveryType: '剖宫产',
      employer: '测试单位有限公司',
    },
    ...overrides,
  };
}
