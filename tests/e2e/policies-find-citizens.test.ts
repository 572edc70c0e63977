// 政策找人 end to end: 实名认证 against the 公安 simulator, the profile with its sources and consents,
// policies with explanations, a birth recorded by the 卫健 simulator turned into offers by the profile
// sync job (told by WeChat subscribe message), accept → pre-filled draft, 智能预审 at submission,
// 免申即享 for an 80-year-old (case opened, declined → withdrawn), rule-set administration with impact
// simulation, and the rights export. Real gateway, real department and WeChat simulators over HTTP.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSandboxParents, recordSandboxBirth } from '../../gateway/src/profile';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { runJobToEnd } from '../support/jobs';

const ADMIN = 'admin-token-for-policies-find-citizens-0123456789';
const beijingToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const daysAgo = (n: number) =>
  new Date(Date.now() + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);

describe(`政策找人: profile, policies, proactive service (${dialect})`, () => {
  let t: TestGateway;
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const admin = { authorization: `Bearer ${ADMIN}` };
  const runJob = async (name: string) => runJobToEnd(t.url, await t.staffLogin('st-admin-system'), name);

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN, SCHEDULER_ENABLED: 'true' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('before 实名认证: nothing is known, and a wrong name or number is refused with nothing stored', async () => {
    const { accessToken: token } = await t.login();
    expect((await api('/me/profile', { token })).body).toEqual({ bound: false });
    expect((await api('/me/policies', { token })).body).toEqual({ bound: false, items: [] });
    expect((await api('/me/recommendations', { token })).body).toEqual({ items: [] });
    const eligibility = await api('/services/hrss.maternity-allowance/eligibility', { token });
    expect(eligibility.body).toMatchObject({
      eligible: null,
      explanation: expect.stringContaining('实名认证'),
    });

    const population = t.gateway.deptData!.population!;
    const person = population.person(3);
    const wrong = await api('/me/real-name', { token, body: { name: '不对名', idNumber: person.idNumber } });
    expect(wrong.status).toBe(422);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body.code).toBe('real_name_mismatch');
    expect(JSON.stringify(wrong.body)).not.toContain(person.idNumber);
    const bad = await api('/me/real-name', {
      token,
      body: { name: person.name, idNumber: '110105199003071234' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/idNumber', code: 'id_number_invalid' });
    expect((await api('/me/profile', { token })).body).toEqual({ bound: false });
  });

  it('a birth becomes offers; accepting pre-fills the application; pre-review corrects it before a person looks', async () => {
    const sims = t.gateway.deptData!.simulators;
    const population = t.gateway.deptData!.population!;
    const parents = findSandboxParents(population, beijingToday())!;
    expect(parents).toBeDefined();
    const openid = `o-mother-${randomUUID()}`;
    const { accessToken: token } = await t.login(openid);
    const bound = await api('/me/real-name', {
      token,
      body: { name: parents.mother.name, idNumber: parents.mother.idNumber },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(bound.body).toMatchObject({ bound: true, name: expect.stringMatching(/^.\*/) });
    expect(bound.body.idNumber).toMatch(/^\d{3}\*+/);
    expect(JSON.stringify(bound.body)).not.toContain(parents.mother.idNumber);
    const birth = bound.body.items.find((i: { fact: string }) => i.fact === 'profile.birthDate');
    expect(birth).toMatchObject({
      source: 'hukou',
      sourceLabel: '公安户籍',
      value: parents.mother.birthDate,
    });
    expect(bound.body.consents).toHaveLength(18);
    // The same person cannot be bound by another account.
    const other = await t.login();
    const twice = await api('/me/real-name', {
      token: other.accessToken,
      body: { name: parents.mother.name, idNumber: parents.mother.idNumber },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('real_name_bound');

    // She consents to 服务提醒 messages, then 卫健 records a birth; the sync job finds it.
    t.gateway.wechatSimulator!.addSubscription(openid, 'sim-tpl-service-reminder');
    const consent = await api('/me/subscriptions', { token, body: { 'sim-tpl-service-reminder': 'accept' } });
    expect(consent.status, JSON.stringify(consent.body)).toBe(200);
    recordSandboxBirth(sims.health!, population, parents, daysAgo(3));
    const run = await runJob('profile.sync');
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const offers = await api('/me/offers', { token });
    const titles = offers.body.items.map((o: { title: string }) => o.title).sort();
    expect(titles).toEqual(['新生儿出生一件事', '生育津贴']);
    const allowance = offers.body.items.find(
      (o: { policyCode: string }) => o.policyCode === 'maternity-allowance',
    );
    expect(allowance).toMatchObject({
      status: 'offered',
      grant: 'apply',
      serviceCode: 'hrss.maternity-allowance',
      lifeEvent: { kind: 'child_birth', label: '新生儿出生', at: daysAgo(3) },
    });
    // Replaying the feed (a second run) offers nothing twice.
    await runJob('profile.sync');
    expect((await api('/me/offers', { token })).body.items).toHaveLength(2);

    // Told once by WeChat subscribe message (the consent she gave), opening her home page.
    let messages: { templateId: string; page?: string; data: Record<string, string> }[] = [];
    for (let i = 0; i < 100 && messages.length === 0; i++) {
      const list = await call(
        `${t.gateway.wechatSimulatorUrl}/__sandbox/subscribe-messages?touser=${openid}`,
      );
      messages = list.body.messages as typeof messages;
      if (messages.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ templateId: 'sim-tpl-service-reminder', page: 'pages/home/index' });
    expect(['生育津贴', '新生儿出生一件事']).toContain(messages[0]!.data.thing1);

    // Her policies, with reasons; the eligibility of the service says the same.
    const policies = await api('/me/policies', { token });
    const maternity = policies.body.items.find((p: { code: string }) => p.code === 'maternity-allowance');
    expect(maternity).toMatchObject({ eligible: true, missing: [] });
    expect(maternity.reasons).toContain('已满足：本人健在');
    const senior = policies.body.items.find((p: { code: string }) => p.code === 'senior-allowance');
    expect(senior.eligible).toBe(false);
    expect(senior.explanation).toMatch(/^还差：年满80周岁，当前\d+周岁/);
    const retirement = policies.body.items.find((p: { code: string }) => p.code === 'retirement');
    // The closest rule is the women's one: she is not told she lacks 「男性」.
    expect(retirement.missing.join()).not.toContain('男性');

    // 为您推荐 by the recommendation rules: services with the reason, each once and published.
    const recommended = (await api('/me/recommendations', { token })).body.items;
    for (const r of recommended)
      expect(r).toEqual({
        serviceCode: expect.any(String),
        serviceName: expect.any(String),
        reason: expect.any(String),
      });
    expect(new Set(recommended.map((r: { serviceCode: string }) => r.serviceCode)).size).toBe(
      recommended.length,
    );

    // 去办理: the draft is pre-filled from 实名认证 (masked), and restored by the apply page.
    const accepted = await api(`/me/offers/${allowance.id}/accept`, { token, method: 'POST', body: {} });
    expect(accepted.body).toEqual({ serviceCode: 'hrss.maternity-allowance' });
    const draft = await api('/drafts/hrss.maternity-allowance', { token });
    expect(draft.body.formData).toMatchObject({ applicantName: parents.mother.name });
    expect(draft.body.formData.idNumber).toMatch(/^\d{3}\*+/);

    // 智能预审: a date in the future (blocking, on the field) and 剖宫产 (a material reminder).
    const form = {
      ...draft.body.formData,
      phone: '13000000002',
      deliveryDate: '2099-01-01',
      deliveryType: '剖宫产',
      employer: '示例单位',
    };
    const review = await api('/services/hrss.maternity-allowance/pre-review', {
      token,
      body: { formData: form },
    });
    expect(review.body.passed, JSON.stringify(review.body)).toBe(false);
    expect(review.body.hints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/formData/deliveryDate', blocking: true }),
        expect.objectContaining({ material: 'discharge-summary', blocking: false }),
      ]),
    );
    const submit = (formData: Record<string, unknown>) =>
      api('/cases', {
        token,
        headers: { 'idempotency-key': randomUUID() },
        body: { serviceCode: 'hrss.maternity-allowance', channel: 'wechat', formData, fromDraft: true },
      });
    const refused = await submit(form);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('pre_review_failed');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ pointer: '/formData/deliveryDate', code: 'pre_review' }),
    ]);
    // Another person's ID number: 生育津贴 is applied for by the insured person herself.
    const someoneElse = await submit({
      ...form,
      deliveryDate: daysAgo(3),
      idNumber: parents.father.idNumber,
    });
    expect(someoneElse.status).toBe(422);
    expect(someoneElse.body.errors[0]).toMatchObject({ pointer: '/formData/idNumber' });
    const ok = await submit({ ...form, deliveryDate: daysAgo(3) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // Case history is a fact too: with this case open, a second application is warned, not refused.
    const second = await api('/services/hrss.maternity-allowance/pre-review', {
      token,
      body: { formData: { ...form, deliveryDate: daysAgo(3) } },
    });
    expect(second.body.passed).toBe(true);
    expect(second.body.hints).toEqual([
      expect.objectContaining({
        pointer: '/formData/deliveryDate',
        blocking: false,
        message: expect.stringContaining('正在办理中'),
      }),
      expect.objectContaining({ material: 'discharge-summary', blocking: false }),
    ]);

    // 不需要: the other offer closes.
    const newborn = offers.body.items.find((o: { policyCode: string }) => o.policyCode === 'newborn');
    const declined = await api(`/me/offers/${newborn.id}/decline`, {
      token,
      method: 'POST',
      body: { reason: '已在医院办理' },
    });
    expect(declined.body.status).toBe('declined');
    const again = await api(`/me/offers/${newborn.id}/accept`, { token, method: 'POST', body: {} });
    expect(again.status).toBe(409);

    // Consent: revoking 民政 for eligibility leaves its facts out, and the profile says so.
    const revoked = await api('/me/profile/consents', {
      token,
      method: 'PUT',
      body: { source: 'marriage', purpose: 'eligibility', granted: false },
    });
    expect(revoked.body.excluded.join()).toContain('民政婚姻登记 · 已撤回授权');
    expect(revoked.body.items.some((i: { source: string }) => i.source === 'marriage')).toBe(false);

    // The rights export holds the profile and the offers.
    const request = await api('/me/data-requests', { token, body: { kind: 'export' } });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    const { sections } = (await call(`${t.url}${request.body.exportUrl}`, { token })).body;
    expect(sections.profile.data.realName).toEqual({
      name: parents.mother.name,
      idNumber: parents.mother.idNumber,
    });
    expect(sections.offers.data.map((o: { status: string }) => o.status).sort()).toEqual([
      'accepted',
      'declined',
    ]);
  });

  it('免申即享: an 80-year-old is granted the allowance on binding, may decline it, and nothing is granted twice', async () => {
    const population = t.gateway.deptData!.population!;
    const today = beijingToday();
    const limit = `${Number(today.slice(0, 4)) - 81}${today.slice(4)}`;
    let elder: { idNumber: string; name: string } | undefined;
    for (const p of population.persons()) {
      const hukou = population.record('hukou', p.idNumber);
      if (
        !p.deathDate &&
        p.birthDate < limit &&
        hukou?.status === '正常' &&
        hukou.regionCode.startsWith('11')
      ) {
        elder = p;
        break;
      }
    }
    expect(elder).toBeDefined();
    const { accessToken: token } = await t.login();
    const bound = await api('/me/real-name', {
      token,
      body: { name: elder!.name, idNumber: elder!.idNumber },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    const offers = (await api('/me/offers', { token })).body.items;
    const grant = offers.find((o: { policyCode: string }) => o.policyCode === 'senior-allowance');
    expect(grant).toMatchObject({ status: 'granted', grant: 'automatic', caseId: expect.any(String) });
    const opened = await api(`/cases/${grant.caseId}`, { token });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ service: { code: 'civil.senior-allowance' }, channel: 'proactive' });

    // The dispatch rule set sends 免申即享 cases to the clerk who handles them (not to the whole role).
    const worklist = async (staffId: string) =>
      (await api('/staff/tasks?box=todo', { token: await t.staffLogin(staffId) })).body.items.map(
        (task: { caseId: string }) => task.caseId,
      );
    expect(await worklist('st-civil-clerk-1')).toContain(grant.caseId);
    expect(await worklist('st-civil-clerk-2')).not.toContain(grant.caseId);

    // The nightly re-match finds everyone else over 80 too, but grants her nothing new.
    const rematch = await runJob('proactive.rematch');
    expect(rematch.status, JSON.stringify(rematch)).toBe('succeeded');
    expect(
      (await api('/me/offers', { token })).body.items.filter(
        (o: { policyCode: string }) => o.policyCode === 'senior-allowance',
      ),
    ).toHaveLength(1);

    const declined = await api(`/me/offers/${grant.id}/decline`, { token, method: 'POST', body: {} });
    expect(declined.body.status).toBe('declined');
    const withdrawn = await api(`/cases/${grant.caseId}`, { token });
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('rule sets: drafts are tested before publishing, published versions never change, impact is simulated', async () => {
    const list = await api('/admin/rule-sets', { headers: admin });
    expect(list.body.items.map((i: { code: string }) => i.code)).toContain('eligibility.senior-allowance');
    const v1 = (await api('/admin/rule-sets/eligibility.senior-allowance/versions/1', { headers: admin }))
      .body.ruleSet;
    expect(v1.status).toBe('published');
    const changed = await api('/admin/rule-sets/eligibility.senior-allowance/versions/1', {
      method: 'PUT',
      headers: admin,
      body: v1,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(409);
    expect(changed.body.code).toBe('rule_set_published');

    // Version 2 lowers the age to 75; its old test (79: not eligible) now fails, so it cannot be published.
    const rule = v1.rules[0];
    const v2 = {
      ...v1,
      version: 2,
      status: 'draft',
      rules: [
        {
          ...rule,
          title: '本市户籍、年满75周岁',
          when: { all: [rule.when.all[0], { ...rule.when.all[1], value: 75 }, rule.when.all[2]] },
          explain: { ...rule.explain, '/all/1': { label: '年满75周岁' } },
        },
      ],
    };
    const saved = await api('/admin/rule-sets/eligibility.senior-allowance/versions/2', {
      method: 'PUT',
      headers: admin,
      body: v2,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const refused = await api('/admin/rule-sets/eligibility.senior-allowance/versions/2/publish', {
      method: 'POST',
      headers: admin,
      body: {},
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('rule_tests_failed');

    // Who would gain: run over the profiles (those the sync and the bindings merged).
    const impact = await api('/admin/rule-sets/eligibility.senior-allowance/versions/2/impact', {
      method: 'POST',
      headers: admin,
      body: { sampleSize: 5 },
    });
    expect(impact.status, JSON.stringify(impact.body)).toBe(200);
    expect(impact.body).toMatchObject({ against: 1, lost: { count: 0 } });
    expect(impact.body.after).toBeGreaterThanOrEqual(impact.body.before);

    const fixed = {
      ...v2,
      rules: [
        {
          ...v2.rules[0],
          tests: rule.tests
            .filter((x: { name: string }) => !x.name.startsWith('79'))
            .concat([
              {
                name: '76岁：符合',
                today: '2026-11-27',
                facts: { profile: { birthDate: '1950-05-01', householdRegion: '110105' } },
                expect: { fires: true },
              },
            ]),
        },
      ],
    };
    await api('/admin/rule-sets/eligibility.senior-allowance/versions/2', {
      method: 'PUT',
      headers: admin,
      body: fixed,
    });
    const published = await api('/admin/rule-sets/eligibility.senior-allowance/versions/2/publish', {
      method: 'POST',
      headers: admin,
      body: {},
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.ruleSet.status).toBe('published');
  });
});
