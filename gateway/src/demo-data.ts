import type { CasesService } from './cases';
import type { IdentityRepository } from './identity';
import { residentIdCheckChar } from './platform/validation/formats';

/** The openid the demo citizen logs in with (mint a code for it at the simulator's /__sandbox/login-code). */
export const DEMO_OPENID = 'o-demo-citizen-0001';

/** A fictitious resident ID number: a real district code and date, a made-up sequence, the correct check character. */
export function demoIdNumber(): string {
  const first17 = '11010519900307123';
  return first17 + residentIdCheckChar(first17);
}

/**
 * Seeds the embedded sandbox: a demo citizen with one submitted case. Idempotent across restarts
 * (the case is submitted with a fixed Idempotency-Key).
 */
export async function seedDemoData(deps: {
  cases: CasesService;
  identityRepo: IdentityRepository;
  appId: string;
}) {
  const citizen = await deps.identityRepo.upsertWechatCitizen(deps.appId, DEMO_OPENID, undefined, Date.now());
  await deps.cases.submit(citizen.id, 'demo-seed-0001', {
    serviceCode: 'hrss.maternity-allowance',
    channel: 'wechat',
    formData: {
      applicantName: '张示例',
      idNumber: demoIdNumber(),
      phone: '13000000000',
      deliveryDate: '2026-10-08',
      deliveryType: '顺产',
      employer: '示例科技有限公司',
    },
  });
}
