/**
 * The mini-program's H5 build in headless Chromium against the real gateway (embedded mode), at a
 * 375×667 mobile viewport: a citizen logs in, finds 新生儿出生一件事 by search, fills the form (a wrong
 * ID number is corrected after the inline error), uploads a material, submits and sees the case; a staff
 * member logs in and approves the task; the citizen sees the new status. Every step is screenshotted to
 * test-artifacts/mp-e2e/NN-step.png (git-ignored).
 *
 * Runs in `npm test` (node project, tests/**). Chromium is installed with apt-get when /usr/bin/chromium
 * is absent, and the H5 app is built when miniprogram/dist/h5 is missing (both in miniprogram/scripts/
 * chromium.mjs). Set MP_E2E=0 to skip.
 *
 * The browser types the applicant's name, ID number (wrong, then corrected), phone, the baby's name, drags
 * the date picker to the birth date and the scroll picker to the mother's 民族, chooses the birth place
 * province → city → district, picks 剖宫产 (which makes the surgery record required), uploads it and signs
 * with a finger on the signature pad. The other answers come from a draft saved through the API as that
 * same citizen, which the apply page resumes ("已从草稿恢复"). The H5 app is served by the gateway, or by
 * serve-h5.mjs in front of it when the gateway does not serve it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { fakeIdNumber, startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import {
  ensureChromium,
  ensureH5Build,
  h5Origin,
  launchChromium,
} from '../../miniprogram/scripts/chromium.mjs';
import { call } from '../support/http';
import { ROOT } from '../support/spawn-gateway';
import { byLabel, drawWithFinger, fieldInput, HANDWRITING, pick, screenshots } from './taro-h5';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'mp-e2e');
const OPENID = `o-mp-e2e-${Date.now().toString(36)}`;
const skip = process.env.MP_E2E === '0';

describe.skipIf(skip)(`mini-program H5 in Chromium (${dialect})`, () => {
  let t: TestGateway;
  let origin: Awaited<ReturnType<typeof h5Origin>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    ensureChromium();
    ensureH5Build(ROOT);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestGateway();
    origin = await h5Origin(ROOT, t.url);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await origin?.stop();
    await t?.stop();
  });

  const shot = screenshots(ARTIFACTS);
  const input = fieldInput;

  it('citizen applies for 新生儿出生一件事, staff approves, citizen sees the new status', async () => {
    const page = await browser.context.newPage();
    // On a failure, what each page showed then.
    onTestFailed(async () => {
      for (const [i, p] of browser.context.pages().entries())
        await p
          .screenshot({ path: join(ARTIFACTS, `zz-failure-${i}.png`), fullPage: true })
          .catch(() => undefined);
    });
    // The same sandbox user as the API calls below: the H5 platform keeps its openid in storage.
    await page.addInitScript({
      content: `if (!localStorage.getItem('gcrm.sandboxOpenid'))
        localStorage.setItem('gcrm.sandboxOpenid', ${JSON.stringify(JSON.stringify({ data: OPENID }))});`,
    });

    // 1. Home, then the login page.
    await page.goto(`${origin.url}/#/pages/login/index`);
    await byLabel(page, '一键登录').waitFor();
    await shot(page, 'login');
    await byLabel(page, '一键登录').click();
    await byLabel(page, '搜索办事事项').waitFor();
    await shot(page, 'home');

    // The sections the test does not type into (date and scroll pickers, regions) come from a draft the
    // citizen saved earlier: the draft resume is itself a feature under test.
    const login = await call(`${t.url}/api/v1/auth/sandbox`, { body: { openid: OPENID } });
    expect(login.status).toBe(200);
    const draft = await call(`${t.url}/api/v1/drafts/bundle.newborn`, {
      method: 'PUT',
      token: login.body.accessToken,
      body: {
        channel: 'h5',
        formData: {
          applicantRelation: '母亲',
          selectedItems: ['birth-certificate'],
          babyGender: '女',
          birthTime: '08:35',
          birthWeightGrams: 3250,
          deliveryType: '顺产',
          babyCount: 1,
          birthHospital: '市妇幼保健院',
          motherName: '林测试',
          motherIdNumber: fakeIdNumber(921, '19930512'),
          motherHouseholdRegion: '110105',
          motherHouseholdPlace: '测试路1号1栋101室',
          parentsMarried: false,
          authoriseELicence: true,
        },
      },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBeLessThan(300);

    // 2. Search.
    const search = page
      .locator('[aria-label="搜索办事事项"] input, input[aria-label="搜索办事事项"]')
      .first();
    await search.click();
    await search.pressSequentially('出生');
    await byLabel(page, '办理新生儿出生一件事').waitFor();
    await shot(page, 'search');
    await byLabel(page, '办理新生儿出生一件事').click();
    await byLabel(page, '在线办理新生儿出生一件事').waitFor();
    await shot(page, 'guide');
    await byLabel(page, '在线办理新生儿出生一件事').click();

    // 3. The form: typed fields, a wrong ID number first.
    await input(page, 'applicantName').waitFor();
    await shot(page, 'form');
    await input(page, 'applicantName').fill('林测试');
    const right = fakeIdNumber(921, '19930512');
    const wrong = right.slice(0, 17) + (right[17] === '1' ? '2' : '1');
    await input(page, 'applicantIdNumber').fill(wrong);
    await input(page, 'applicantPhone').fill('13000000921');
    await byLabel(page, '提交申请').click();
    const idError = page
      .locator('.field__error')
      .filter({ hasText: /身份证/ })
      .first();
    await idError.waitFor();
    await idError.scrollIntoViewIfNeeded();
    await shot(page, 'id-error');
    await input(page, 'applicantIdNumber').fill(right);
    await expect.poll(() => idError.count()).toBe(0);
    await input(page, 'applicantIdNumber').scrollIntoViewIfNeeded();
    await shot(page, 'id-corrected');
    await input(page, 'babyName').fill('林小测');

    // Date and scroll pickers are dragged; the region is chosen level by level.
    await pick(page, page.locator('[aria-label^="出生日期（必填）"]').first(), ['2026年', '11月', '20日']);
    expect(await byLabel(page, '出生日期（必填），2026-11-20').count()).toBe(1);
    await pick(page, page.locator('[aria-label^="母亲民族"]').first(), ['回族']);
    await shot(page, 'pickers');
    const region = page.locator('[aria-label^="出生地（必填），"]').first();
    await region.scrollIntoViewIfNeeded();
    await region.click();
    for (const name of ['北京市', '市辖区', '朝阳区'])
      await page.locator(`[aria-label="选择出生地（必填）"] [aria-label="${name}"]`).first().click();
    await byLabel(page, '出生地（必填），北京市 / 市辖区 / 朝阳区').waitFor();
    await shot(page, 'region');

    // 4. 剖宫产 makes the surgery record required (linkage); upload it.
    // Labels of required fields end in （必填）.
    await page.locator('[aria-label^="分娩方式"][aria-label*="：剖宫产"]').first().click();
    const upload = page.locator('[aria-label^="上传出院小结或手术记录"]').first();
    await upload.scrollIntoViewIfNeeded();
    const chooser = page.waitForEvent('filechooser');
    await upload.click();
    await (await chooser).setFiles({
      name: '出生证明.png',
      mimeType: 'image/png',
      buffer: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    });
    await byLabel(page, '删除出生证明.png').waitFor();
    await shot(page, 'uploaded');

    // A signature written with a finger.
    const pad = page.locator('[aria-label^="申请人签名（必填）：请在框内手写签名"]').first();
    await drawWithFinger(page, pad, HANDWRITING);
    await byLabel(page, '申请人签名（必填）：请在框内手写签名，已签写').waitFor();
    await shot(page, 'signed');

    // 5. Submit (confirm dialog), then the case page.
    await byLabel(page, '提交申请').click();
    await page.locator('.taro__modal').getByText('提交', { exact: true }).click();
    await page.waitForURL(/pages\/case\/index/);
    await byLabel(page, '办理进度：受理').waitFor();
    await shot(page, 'case');
    const caseId = new URL(page.url().replace('#', '')).searchParams.get('id');
    expect(caseId).toBeTruthy();

    // 5b. How the result comes back: by mail, to an address chosen like any form answer.
    await byLabel(page, '选择领取方式').click();
    await page.waitForURL(/more\/delivery\/index/);
    await page.locator('[aria-label="领取方式（必填）：邮寄送达"]').first().click();
    await input(page, 'recipient').fill('林测试');
    await input(page, 'phone').fill('13000000921');
    await page.locator('[aria-label^="所在地区（必填），"]').first().click();
    for (const name of ['北京市', '市辖区', '朝阳区'])
      await page.locator(`[aria-label="选择所在地区（必填）"] [aria-label="${name}"]`).first().click();
    await page
      .locator('[aria-label="详细地址（必填）"] textarea, textarea[aria-label="详细地址（必填）"]')
      .first()
      .fill('测试路1号1栋101室');
    await shot(page, 'delivery');
    await byLabel(page, '保存领取方式').click();
    await page.waitForURL(/pages\/case\/index/);
    const chosen = page.getByText(/^邮寄送达：林测试 130\*{4}0921，/).first();
    await chosen.waitFor();
    await chosen.scrollIntoViewIfNeeded();
    await shot(page, 'delivery-chosen');

    // 6. Staff: sandbox login as a 卫健委 clerk, the 待办 list, the task, approve with confirmation.
    const staff = await browser.context.newPage();
    await staff.goto(`${origin.url}/#/staff/login/index`);
    const as = staff.locator('[aria-label^="以"]').first();
    await as.waitFor();
    await shot(staff, 'staff-login');
    await byLabel(staff, '以卫健委 窗口受理登录').click();
    const task = staff.locator('[aria-label^="新生儿出生一件事"]').first();
    await task.waitFor();
    await shot(staff, 'staff-tasks');
    await task.click();
    await byLabel(staff, '同意').waitFor();
    await shot(staff, 'staff-task');
    await byLabel(staff, '同意').click();
    await byLabel(staff, '确认同意').waitFor();
    await byLabel(staff, '办理意见').locator('textarea').fill('材料齐全，同意受理');
    await byLabel(staff, '确认同意').scrollIntoViewIfNeeded();
    await shot(staff, 'staff-action');
    await byLabel(staff, '确认同意').click();
    // A second, explicit confirmation naming the case (no accidental approvals).
    const modal = staff.locator('.taro__modal');
    await modal.getByText('同意', { exact: true }).waitFor();
    await shot(staff, 'staff-confirm');
    await modal.getByText('同意', { exact: true }).click();
    await byLabel(staff, '确认同意').waitFor({ state: 'detached' });
    await shot(staff, 'staff-approved');

    // 6b. The department dashboard (ECharts in its own subpackage), reached from the 待办 list.
    await staff.goto(`${origin.url}/#/staff/tasks/index`);
    await byLabel(staff, '部门数据看板').click();
    await staff.locator('[aria-label^="在办："]').first().waitFor();
    await staff.locator('canvas').first().waitFor();
    expect(await staff.locator('canvas').count()).toBeGreaterThan(0);
    await shot(staff, 'dashboard');

    // 7. The citizen sees the new status: 我的办件, then the case (a fresh load, as when reopening the app).
    await page.bringToFront();
    await page.goto(`${origin.url}/?again=1#/pages/cases/index`);
    const row = page.locator('[aria-label^="新生儿出生一件事，"]').first();
    await row.waitFor();
    expect(await row.getAttribute('aria-label')).toContain('已受理');
    await shot(page, 'my-cases');
    await row.click();
    await byLabel(page, '办理进度：审核').waitFor();
    await shot(page, 'case-after');
  }, 120_000);

  it('citizen binds a phone by SMS code, then rates a closed case', async () => {
    const page = await browser.context.newPage();
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(ARTIFACTS, 'zz-failure-rating.png'), fullPage: true })
        .catch(() => undefined);
    });
    const openid = `${OPENID}-r`;
    // Another citizen than the first test's (same browser profile): forget that login once per tab.
    await page.addInitScript({
      content: `if (!sessionStorage.getItem('gcrm.e2e.fresh')) {
        sessionStorage.setItem('gcrm.e2e.fresh', '1');
        localStorage.removeItem('gcrm.session.citizen');
        localStorage.setItem('gcrm.sandboxOpenid', ${JSON.stringify(JSON.stringify({ data: openid }))});
      }`,
    });
    // A 生育津贴申领 case taken to 办结 by the 人社局 (窗口受理 → 待遇审核 → 负责人审批) through the API.
    const login = await call(`${t.url}/api/v1/auth/sandbox`, { body: { openid } });
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: login.body.accessToken,
      headers: { 'Idempotency-Key': `mp-e2e-rate-${Date.now()}` },
      body: {
        serviceCode: 'hrss.maternity-allowance',
        channel: 'h5',
        formData: {
          applicantName: '林测试',
          idNumber: fakeIdNumber(922, '19930512'),
          phone: '13000000922',
          deliveryDate: '2026-10-08',
          deliveryType: '顺产',
          employer: '示例科技有限公司',
        },
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const caseId = submitted.body.id as string;
    for (const [staffId, claim] of [
      ['st-hrss-clerk-1', true],
      ['st-hrss-approver-1', false],
      ['st-hrss-head', false],
    ] as const) {
      const s = await call(`${t.url}/api/v1/auth/staff/sandbox`, { body: { staffId } });
      const token = s.body.accessToken as string;
      const list = await call(`${t.url}/api/v1/staff/tasks?box=todo&limit=50`, { token });
      const task = (list.body.items as { id: string; caseId: string }[]).find((x) => x.caseId === caseId);
      expect(task, `${staffId} has the task`).toBeTruthy();
      if (claim) await call(`${t.url}/api/v1/staff/tasks/${task!.id}/claim`, { token, body: {} });
      const ok = await call(`${t.url}/api/v1/staff/tasks/${task!.id}/approve`, {
        token,
        body: { comment: '同意' },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBeLessThan(300);
    }

    // Phone binding from 我的办件: the demo gateway shows the SMS code it would have sent. (Another number
    // than the form's: the case's SMS notices just went there, and Aliyun allows one SMS a minute per number.)
    await page.goto(`${origin.url}/#/pages/login/index`);
    await byLabel(page, '一键登录').click();
    await byLabel(page, '搜索办事事项').waitFor();
    await page.goto(`${origin.url}/#/pages/cases/index`);
    await byLabel(page, '绑定手机号').click();
    await page.waitForURL(/more\/phone\/index/);
    const phone = page.locator('[aria-label="手机号码"] input, input[aria-label="手机号码"]').first();
    await phone.fill('13000000923');
    await byLabel(page, '获取验证码').click();
    const hint = page.getByText(/^体验环境：短信不会真正发出，验证码是 \d{6}$/).first();
    await hint.waitFor();
    const smsCode = (await hint.textContent())!.replace(/\D/g, '').slice(-6);
    await page
      .locator('[aria-label="短信验证码"] input, input[aria-label="短信验证码"]')
      .first()
      .fill(smsCode);
    await shot(page, 'phone-binding');
    await byLabel(page, '确认绑定').click();
    await page.getByText('当前已绑定：130****0923').first().waitFor();
    const me = await call(`${t.url}/api/v1/me`, { token: login.body.accessToken });
    expect(me.body).toMatchObject({ phoneBound: true, phoneMasked: '130****0923' });

    // 好差评 on the closed case: a poor score needs a reason.
    await page.goto(`${origin.url}/#/pages/case/index?id=${caseId}`);
    await byLabel(page, '评价本次办理').click();
    await page.waitForURL(/more\/rate\/index/);
    await byLabel(page, '不满意').click();
    await byLabel(page, '提交评价').click();
    await page.getByText('差评请说明原因：选择一项或填写意见').first().waitFor();
    await byLabel(page, '等待时间长').click();
    await shot(page, 'rating');
    await byLabel(page, '提交评价').click();
    await page.waitForURL(/pages\/case\/index/);
    await page.getByText('我的评价').first().waitFor();
    await shot(page, 'rated');
    const shown = await call(`${t.url}/api/v1/cases/${caseId}`, { token: login.body.accessToken });
    expect(shown.body.rating).toMatchObject({ score: 2, tags: ['等待时间长'] });
  }, 120_000);
});
