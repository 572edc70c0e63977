import type { CaseAftercare, CasesService } from './cases';
import type { DeliveryInput, RatingInput } from './cases/aftercare';
import type { IdentityRepository } from './identity';
import { residentIdCheckChar } from './platform/validation/formats';
import type { WorkflowService } from './workflow';

/** The openid the demo citizen logs in with (mint a code for it at the simulator's /__sandbox/login-code). */
export const DEMO_OPENID = 'o-demo-citizen-0001';

/** A fictitious resident ID number: a real district code and date, a made-up sequence, the correct check character. */
export function demoIdNumber(): string {
  // Sequence 9xx: the range the project keeps for fictitious people (never a real person's number).
  const first17 = '11010519900307923';
  return first17 + residentIdCheckChar(first17);
}

/** The demo citizen's closed cases: how each result is delivered and how the citizen rated it. */
const CLOSED_CASES: {
  key: string;
  deliveryDate: string;
  delivery: DeliveryInput;
  rating: RatingInput;
}[] = [
  {
    key: 'demo-seed-v2-0002',
    deliveryDate: '2026-08-16',
    delivery: {
      method: 'mail',
      address: {
        recipient: '张示例',
        phone: '13000000000',
        region: '330106',
        detail: '文三路 90 号 3 幢 201 室',
      },
    },
    rating: { score: 5, tags: ['办事效率高', '服务态度好'], comment: '线上提交，几天就办好了，不用跑窗口' },
  },
  {
    key: 'demo-seed-v2-0003',
    deliveryDate: '2026-07-02',
    delivery: { method: 'pickup', siteId: 'lj-centre-hrss' },
    rating: { score: 4, tags: ['流程清晰'] },
  },
  {
    key: 'demo-seed-v2-0004',
    deliveryDate: '2026-06-21',
    delivery: { method: 'elicence' },
    rating: { score: 2, tags: ['等待时间长'], comment: '审核等得比较久，希望能提前告知进度' },
  },
];

/** 窗口受理 (claimed) → 待遇审核 → 负责人审批 of 生育津贴申领, by the demo org's 人社局 staff. */
const APPROVALS = [
  { staffId: 'st-hrss-clerk-1', claim: true },
  { staffId: 'st-hrss-approver-1', claim: false },
  { staffId: 'st-hrss-head', claim: false },
];

/**
 * Seeds the embedded sandbox: a demo citizen with one submitted case and, given the workflow and the
 * aftercare, three cases taken to 办结 with a delivery choice and a rating each (so that the staff
 * dashboard has something to show). Idempotent across restarts: cases are submitted with fixed
 * Idempotency-Keys, and each later step runs only if it has not happened yet.
 */
export async function seedDemoData(deps: {
  cases: CasesService;
  identityRepo: IdentityRepository;
  appId: string;
  workflow?: Pick<WorkflowService, 'worklist' | 'claim' | 'approve'>;
  aftercare?: CaseAftercare;
  /** The person the demo account is bound to (实名认证), who is then the applicant of the demo cases. */
  applicant?: { name: string; idNumber: string };
}) {
  // Another applicant is another request: its own Idempotency-Keys.
  const key = (k: string) => (deps.applicant ? k.replace('demo-seed-v2-', 'demo-seed-v3-') : k);
  const citizen = await deps.identityRepo.upsertWechatCitizen(deps.appId, DEMO_OPENID, undefined, Date.now());
  const application = (deliveryDate: string, deliveryType: string) => ({
    serviceCode: 'hrss.maternity-allowance',
    channel: 'wechat',
    formData: {
      applicantName: deps.applicant?.name ?? '张示例',
      idNumber: deps.applicant?.idNumber ?? demoIdNumber(),
      phone: '13000000000',
      deliveryDate,
      deliveryType,
      employer: '示例科技有限公司',
    },
  });
  await deps.cases.submit(citizen.id, key('demo-seed-v2-0001'), application('2026-10-08', '顺产'));
  const { workflow, aftercare } = deps;
  if (!workflow || !aftercare) return;
  for (const demo of CLOSED_CASES) {
    const { caseId } = await deps.cases.submit(
      citizen.id,
      key(demo.key),
      application(demo.deliveryDate, '顺产'),
    );
    let shown = await deps.cases.get(citizen.id, caseId);
    if (shown.deliveryEditable && !shown.delivery)
      await aftercare.chooseDelivery(citizen.id, caseId, demo.delivery);
    for (const step of APPROVALS) {
      const { items } = await workflow.worklist(step.staffId, { box: 'todo', limit: 50 });
      const task = items.find((t) => t.caseId === caseId);
      if (!task) continue;
      if (step.claim) await workflow.claim(step.staffId, task.id);
      await workflow.approve(step.staffId, task.id, { comment: '材料齐全，同意' });
    }
    shown = await deps.cases.get(citizen.id, caseId);
    if (shown.ratable) await aftercare.rate(citizen.id, caseId, demo.rating);
  }
}
