/**
 * 政策找人 in the mini-program's H5 build, in headless Chromium against the real gateway (embedded mode),
 * at a 375×667 mobile viewport — the story of tests/e2e/policies-find-citizens.test.ts as a citizen sees
 * it: she logs in, follows the home's 实名认证 card, types a wrong ID number (inline error) then her own,
 * and lands on 我的档案 (each value with its 来源, one switch per source and purpose). 卫健 records the
 * birth of her baby and the profile.sync job runs (both through the API, as the sandbox would); back on the
 * home she sees 为您主动服务 with 生育津贴 and 新生儿出生一件事, taps 去办理 on 生育津贴 and the apply page
 * opens on the pre-filled draft. A birth date in the future is stopped by 智能预审 under the field; the
 * right date goes through. Last, 全部政策 says 符合 for 生育津贴 and what is still missing for 高龄津贴.
 * Every step is screenshotted to test-artifacts/policies-e2e/NN-step.png (git-ignored).
 *
 * Runs in `npm test` (node project, tests/**); set MP_E2E=0 to skip. Chromium and the H5 build come from
 * miniprogram/scripts/chromium.mjs, as for mp.e2e.test.ts (rebuild the H5 app after changing the
 * mini-program: ensureH5Build only builds when miniprogram/dist/h5 is missing).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findSandboxParents, recordSandboxBirth } from '../../gateway/src/profile';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import {
  ensureChromium,
  ensureH5Build,
  h5Origin,
  launchChromium,
} from '../../miniprogram/scripts/chromium.mjs';
import { runJobToEnd } from '../support/jobs';
import { ROOT } from '../support/spawn-gateway';
import { byLabel, fieldInput, pick, screenshots } from './taro-h5';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'policies-e2e');
const OPENID = `o-policies-e2e-${Date.now().toString(36)}`;
const skip = process.env.MP_E2E === '0';

/** Dates as the citizen's calendar shows them (Beijing). */
const beijingDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
/** The rows of Taro's H5 date picker for a date: 2026年 / 11月 / 04日. */
const pickerRows = (date: string) => {
  const [y, m, d] = date.split('-');
  return [`${y}年`, `${m}月`, `${d}日`];
};

describe.skipIf(skip)(`政策找人 in the mini-program H5 in Chromium (${dialect})`, () => {
  let t: TestGateway;
  let origin: Awaited<ReturnType<typeof h5Origin>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    ensureChromium();
    ensureH5Build(ROOT);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // The scheduler runs the jobs started through the admin API (profile.sync).
    t = await startTestGateway({ SCHEDULER_ENABLED: 'true' });
    origin = await h5Origin(ROOT, t.url);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await origin?.stop();
    await t?.stop();
  });

  const shot = screenshots(ARTIFACTS);
  const labelled = (page: Page, label: string) =>
    page.locator(`[aria-label="${label}"] input, input[aria-label="${label}"]`).first();
  const input = fieldInput;
  // Taro keeps the pages below the current one in the DOM, hidden: only what is on screen counts.
  const text = (page: Page, s: string | RegExp) => page.getByText(s).filter({ visible: true }).first();

  const runJob = async (name: string) => runJobToEnd(t.url, await t.staffLogin('st-admin-system'), name);

  it('a mother verifies her real name, is offered 生育津贴 after a birth, applies past 智能预审, sees her policies', async () => {
    const population = t.gateway.deptData!.population!;
    const parents = findSandboxParents(population, beijingDay())!;
    expect(parents, 'the sandbox population has a working mother').toBeDefined();
    const { mother } = parents;

    const page = await browser.context.newPage();
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(ARTIFACTS, 'zz-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    await page.addInitScript({
      content: `if (!localStorage.getItem('gcrm.sandboxOpenid'))
        localStorage.setItem('gcrm.sandboxOpenid', ${JSON.stringify(JSON.stringify({ data: OPENID }))});`,
    });

    // 1. Login, the home's 实名认证 card, the real-name page.
    await page.goto(`${origin.url}/#/pages/login/index`);
    await byLabel(page, '一键登录').click();
    await byLabel(page, '搜索办事事项').waitFor();
    const invite = byLabel(page, '实名认证后，为您推荐可享受的政策');
    await invite.waitFor();
    expect(await invite.textContent()).toContain('去认证');
    expect(await text(page, '为您主动服务').count()).toBe(0);
    await shot(page, 'home-unverified');
    await invite.click();
    await page.waitForURL(/more\/real-name\/index/);
    await text(page, '认证后，我们会根据相关部门的信息为您查找可享受的政策').waitFor();

    // A wrong check character: refused on the page, before anything is sent.
    const wrong = mother.idNumber.slice(0, 17) + (mother.idNumber[17] === '1' ? '2' : '1');
    await labelled(page, '姓名').fill(mother.name);
    await labelled(page, '身份证号码').fill(wrong);
    await byLabel(page, '提交认证').click();
    const idError = page.locator('.field__error').filter({ hasText: '身份证号码有误，请核对后重新填写' });
    await idError.waitFor();
    expect(await page.locator('.input--error').count()).toBe(1);
    await shot(page, 'real-name-wrong-id');
    await labelled(page, '身份证号码').fill(mother.idNumber);
    await expect.poll(() => idError.count()).toBe(0);
    await shot(page, 'real-name-filled');
    await byLabel(page, '提交认证').click();

    // 我的档案: her items with their sources, and the consent switches (all granted).
    await page.waitForURL(/more\/profile\/index/);
    await text(page, '档案信息').waitFor();
    expect(await text(page, '我的档案').isVisible()).toBe(true);
    // Name and number masked: 林* · 身份证 110***…
    const who = page.locator('.muted').filter({ hasText: '· 身份证' }).first();
    expect(await who.textContent()).toMatch(/^.\*+ · 身份证 \d{3}\*+/);
    expect(await who.textContent()).not.toContain(mother.idNumber);
    await text(page, /^来源：公安户籍 · /).waitFor();
    const sources = await page
      .locator('.field__help')
      .filter({ hasText: /^来源：/ })
      .allTextContents();
    expect(sources.length).toBeGreaterThan(2);
    expect(sources.some((s) => s.startsWith('来源：人社'))).toBe(true);
    await shot(page, 'profile');
    await text(page, '数据使用授权').scrollIntoViewIfNeeded();
    const switches = page.locator('[aria-label^="公安户籍的信息用于"]');
    expect(await switches.count()).toBeGreaterThan(0);
    expect(await page.locator('[aria-label*="的信息用于"]').count()).toBeGreaterThanOrEqual(6);
    await expect
      .poll(() => page.locator('.weui-switch:checked, input[type="checkbox"]:checked').count())
      .toBeGreaterThan(0);
    await shot(page, 'profile-consents');

    // 2. 卫健 records the birth of her baby 3 days ago; the profile sync turns it into offers.
    recordSandboxBirth(t.gateway.deptData!.simulators.health!, population, parents, beijingDay(-3));
    const run = await runJob('profile.sync');
    expect(run.status, JSON.stringify(run)).toBe('succeeded');

    // 3. Back on the home (shown again: it reloads): 为您主动服务.
    await page.goBack();
    await page.waitForURL(/pages\/home\/index/);
    await text(page, '为您主动服务').waitFor();
    const allowance = byLabel(page, '生育津贴');
    await allowance.waitFor();
    await byLabel(page, '新生儿出生一件事').waitFor();
    expect(await allowance.textContent()).toContain('恭喜您家添了宝宝！您可申领生育津贴，申请表已为您预填');
    expect(await allowance.textContent()).toContain('新生儿出生');
    expect(await byLabel(page, '实名认证后，为您推荐可享受的政策').count()).toBe(0);
    await text(page, '您可享受的政策').waitFor();
    await text(page, '为您主动服务').scrollIntoViewIfNeeded();
    await shot(page, 'home-offers');
    await byLabel(page, '去办理生育津贴').click();

    // The apply page opens on the draft the gateway pre-filled from her profile.
    await page.waitForURL(/pages\/apply\/index\?code=hrss\.maternity-allowance/);
    await text(page, '已从草稿恢复').waitFor();
    await text(page, '生育津贴申领表').waitFor();
    await expect.poll(() => input(page, 'applicantName').inputValue()).toBe(mother.name);
    expect(await input(page, 'idNumber').inputValue()).toMatch(/^\d{3}\*+/);
    await shot(page, 'apply-prefilled');

    // 4. The answers she types, and a birth date in the future (the date picker allows it).
    await input(page, 'phone').fill('13000000931');
    await input(page, 'employer').fill('示例科技有限公司');
    const future = `${Number(beijingDay().slice(0, 4)) + 1}-01-15`;
    await pick(page, page.locator('[aria-label^="生育日期（必填）"]').first(), pickerRows(future));
    await byLabel(page, `生育日期（必填），${future}`).waitFor();
    await page.locator('[aria-label^="分娩方式"][aria-label*="：顺产"]').first().click();
    await byLabel(page, '提交申请').click();
    // 智能预审 stops it: the rule's hint under 生育日期, no confirmation asked.
    const hint = page
      .locator('#field-deliveryDate .field__error')
      .filter({ hasText: '生育日期不能晚于今天，请按出生医学证明上的日期填写' });
    await hint.waitFor();
    const toast = text(page, '预审发现需要修改的内容，请按提示修改');
    await toast.waitFor();
    expect(await page.locator('.taro__modal:visible').count()).toBe(0);
    await toast.waitFor({ state: 'hidden' }); // the hint under the field stays
    expect(await hint.isVisible()).toBe(true);
    await hint.scrollIntoViewIfNeeded();
    await shot(page, 'pre-review-hint');

    // Corrected to the real birth date: the hint goes, and the application is submitted.
    const born = beijingDay(-3);
    await pick(page, page.locator('[aria-label^="生育日期（必填）"]').first(), pickerRows(born));
    await byLabel(page, `生育日期（必填），${born}`).waitFor();
    await expect.poll(() => hint.count()).toBe(0);
    await shot(page, 'date-corrected');
    await byLabel(page, '提交申请').click();
    await page.locator('.taro__modal').getByText('提交', { exact: true }).click();
    await page.waitForURL(/pages\/case\/index/);
    await byLabel(page, '办理进度：受理').waitFor();
    await text(page, '生育津贴申领').waitFor();
    await text(page, /正在窗口受理/).waitFor();
    await shot(page, 'case');

    // 5. 全部政策, from the home's 您可享受的政策 card (a fresh load, as when reopening the app).
    await page.goto(`${origin.url}/?again=1#/pages/home/index`);
    await byLabel(page, '全部政策').click();
    await page.waitForURL(/more\/policies\/index/);
    const maternity = byLabel(page, '生育津贴，符合');
    await maternity.waitFor();
    expect(await maternity.locator('.chip').textContent()).toBe('符合');
    expect(await maternity.textContent()).toContain('✓ 已满足：本人健在');
    await text(page, '根据各部门为您登记的信息判断，仅供参考，以部门审核结果为准。').waitFor();
    await shot(page, 'policies');
    const senior = byLabel(page, '高龄津贴，暂不符合');
    await senior.scrollIntoViewIfNeeded();
    const missing = senior.locator('[aria-label="还差的条件"]');
    expect(await missing.textContent()).toMatch(/^还差：· 年满80周岁，当前\d+周岁/);
    await shot(page, 'policies-missing');
  }, 180_000);
});
