import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { BAD_ID, demoForm, GOOD_ID } from '../../../test/fixtures';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import Apply from './index';
import { hintsByField } from './model';

const service = {
  code: 'bundle.demo',
  name: '示例一件事',
  kind: 'bundle',
  departments: [],
  lifeEvents: [],
  guide: {},
  form: demoForm,
};
const created = {
  id: 'case-1',
  caseNumber: '20261127000002',
  service: { code: 'bundle.demo', name: '示例一件事' },
  status: 'submitted',
  statusLabel: '已提交',
  timeline: [],
};

function fill(id = GOOD_ID) {
  fireEvent.click(screen.getByRole('radio', { name: '与新生儿关系（必填）：母亲' }));
  fireEvent.change(screen.getByLabelText('申请人姓名（必填）'), { target: { value: '王示例' } });
  fireEvent.change(screen.getByLabelText('身份证号码（必填）'), { target: { value: id } });
  fireEvent.click(screen.getByRole('switch', { name: '同意调用电子证照（必填）' }));
}

function setup(routes: Parameters<typeof fakeApi>[0] = {}) {
  taroStub.params = { code: 'bundle.demo' };
  const f = fakeApi({
    'GET /services/bundle.demo': { body: service },
    'POST /me/subscriptions': { body: {} },
    ...routes,
  });
  f.api.citizen.save({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('apply page', () => {
  it('resumes a saved draft', async () => {
    setup({
      'GET /drafts/bundle.demo': {
        body: {
          serviceCode: 'bundle.demo',
          form: { id: 'demo', version: 1 },
          formData: { name: '草稿中的名字' },
          updatedAt: '2026-11-27T01:00:00Z',
        },
      },
    });
    render(<Apply />);
    expect(await screen.findByText('已从草稿恢复')).toBeTruthy();
    expect((screen.getByLabelText('申请人姓名（必填）') as HTMLInputElement).value).toBe('草稿中的名字');
    // the computed copy follows the resumed value
    expect((screen.getByLabelText('参保人姓名') as HTMLInputElement).value).toBe('草稿中的名字');
  });

  it('prefills from the profile when there is no draft, keeping masked values as they are', async () => {
    const { calls } = setup({
      'GET /services/bundle.demo/prefill': {
        body: {
          form: { id: 'demo', version: 1 },
          formData: { name: '王示例', idNumber: '110***********9513' },
        },
      },
      'POST /cases': { status: 201, body: created },
    });
    render(<Apply />);
    expect(await screen.findByText('已根据您以往办事的信息自动填写，请核对')).toBeTruthy();
    expect((screen.getByLabelText('身份证号码（必填）') as HTMLInputElement).value).toBe(
      '110***********9513',
    );
    fireEvent.click(screen.getByRole('radio', { name: '与新生儿关系（必填）：母亲' }));
    fireEvent.click(screen.getByRole('switch', { name: '同意调用电子证照（必填）' }));
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/cases')).toBe(true));
    expect(calls.find((c) => c.path === '/cases')!.body).toMatchObject({
      formData: { name: '王示例', idNumber: '110***********9513' },
    });
  });

  it('saves a draft with the channel', async () => {
    const { calls } = setup({
      'PUT /drafts/bundle.demo': { body: { serviceCode: 'bundle.demo', formData: {}, updatedAt: 'x' } },
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fireEvent.change(screen.getByLabelText('申请人姓名（必填）'), { target: { value: '王示例' } });
    fireEvent.click(screen.getByRole('button', { name: '保存草稿' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      formData: { name: '王示例', insuredName: '王示例' },
      channel: 'h5',
    });
  });

  it('stops a wrong ID number before sending, inline and in zh-CN', async () => {
    const { calls } = setup();
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill(BAD_ID);
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    expect(await screen.findByText('身份证号码应为有效的18位居民身份证号码')).toBeTruthy();
    expect(calls.some((c) => c.path === '/cases')).toBe(false);
  });

  it('shows the gateway field errors by pointer, then submits the correction with a new key', async () => {
    let n = 0;
    const { calls } = setup({
      'POST /cases': () =>
        ++n === 1
          ? {
              status: 400,
              body: {
                title: '请求内容不符合要求',
                status: 400,
                detail: '共有 1 处字段不符合要求，请修改后重试',
                errors: [{ pointer: '/formData/name', code: 'x', message: '申请人姓名与实名认证信息不一致' }],
              },
            }
          : { status: 201, body: created },
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    expect(await screen.findByText('申请人姓名与实名认证信息不一致')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('申请人姓名（必填）'), { target: { value: '王示例二' } });
    expect(screen.queryByText('申请人姓名与实名认证信息不一致')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() =>
      expect(taroStub.navigations).toEqual([
        { kind: 'redirectTo', url: '/pages/case/index?id=case-1&submitted=1' },
      ]),
    );
    const posts = calls.filter((c) => c.method === 'POST' && c.path === '/cases');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers['Idempotency-Key']).not.toBe(posts[1]!.headers['Idempotency-Key']);
    expect(posts[1]!.body).toMatchObject({
      serviceCode: 'bundle.demo',
      channel: 'h5',
      formData: { relation: '母亲', idNumber: GOOD_ID, agree: true },
    });
    // consent asked right after the submission
    expect(calls.some((c) => c.path === '/me/subscriptions')).toBe(true);
  });

  it('a double tap sends one submission', async () => {
    let release: () => void = () => undefined;
    const { calls } = setup({
      'POST /cases': () => new Promise((r) => (release = () => r({ status: 201, body: created }))),
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    const button = screen.getByRole('button', { name: '提交申请' });
    fireEvent.click(button);
    fireEvent.click(button);
    await waitFor(() => expect(calls.filter((c) => c.path === '/cases')).toHaveLength(1));
    await act(async () => release());
    await waitFor(() => expect(taroStub.navigations).toHaveLength(1));
    expect(calls.filter((c) => c.path === '/cases')).toHaveLength(1);
  });

  it('does not submit when the citizen cancels the confirmation', async () => {
    const { calls } = setup();
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    taroStub.modalAnswers = [false];
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() => expect(taroStub.modals).toHaveLength(1));
    expect(calls.some((c) => c.path === '/cases')).toBe(false);
  });

  it('a service that needs a phone: saves the answers, offers binding, submits nothing', async () => {
    const { calls } = setup({
      'GET /services/bundle.demo': { body: { ...service, requiresPhone: true } },
      'GET /me': { body: { id: 'u1', phoneBound: false, phoneMasked: null } },
      'PUT /drafts/bundle.demo': {
        body: { serviceCode: 'bundle.demo', formData: {}, updatedAt: '2026-11-27T05:00:00Z' },
      },
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    taroStub.modalAnswers = [true, true];
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() =>
      expect(taroStub.navigations).toContainEqual({
        kind: 'navigateTo',
        url: `/more/phone/index?back=${encodeURIComponent('/pages/apply/index?code=bundle.demo')}`,
      }),
    );
    expect(taroStub.modals.map((m) => m.title)).toEqual(['确认提交', '需要绑定手机号']);
    expect(calls.some((c) => c.method === 'PUT' && c.path === '/drafts/bundle.demo')).toBe(true);
    expect(calls.some((c) => c.path === '/cases')).toBe(false);
  });

  it('with a bound phone it submits as usual', async () => {
    const { calls } = setup({
      'GET /services/bundle.demo': { body: { ...service, requiresPhone: true } },
      'GET /me': { body: { id: 'u1', phoneBound: true, phoneMasked: '139****0001' } },
      'POST /cases': { status: 201, body: created },
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() => expect(calls.filter((c) => c.path === '/cases')).toHaveLength(1));
  });

  it("the gateway's phone_required (bound elsewhere, then removed) also leads to binding", async () => {
    setup({
      'POST /cases': {
        status: 422,
        body: { code: 'phone_required', title: '办理该事项需要先绑定手机号', errors: [] },
      },
      'PUT /drafts/bundle.demo': { body: { serviceCode: 'bundle.demo', formData: {}, updatedAt: 'x' } },
    });
    render(<Apply />);
    await screen.findByText('示例申请表');
    fill();
    fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
    await waitFor(() =>
      expect(taroStub.navigations).toContainEqual({
        kind: 'navigateTo',
        url: `/more/phone/index?back=${encodeURIComponent('/pages/apply/index?code=bundle.demo')}`,
      }),
    );
  });

  describe('pre-review (材料预审)', () => {
    const review = (hints: unknown[], passed = hints.length === 0) => ({ body: { passed, hints } });

    it('blocking hints stop the submission: under their field, and materials in a list at the top', async () => {
      let n = 0;
      const { calls } = setup({
        'POST /services/bundle.demo/pre-review': () =>
          ++n === 1
            ? review([
                { pointer: '/formData/name', message: '申请人姓名与实名认证信息不一致', blocking: true },
                { material: 'birth-cert', message: '请上传出生医学证明', blocking: true },
              ])
            : review([]),
        'POST /cases': { status: 201, body: created },
      });
      render(<Apply />);
      await screen.findByText('示例申请表');
      fill();
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      expect(await screen.findByText('申请人姓名与实名认证信息不一致')).toBeTruthy();
      expect(screen.getByLabelText('申请人姓名（必填）').className).toContain('input--error');
      expect(screen.getByRole('alert', { name: '预审提示' }).textContent).toContain(
        '需修改：请上传出生医学证明',
      );
      expect(taroStub.toasts).toContain('预审发现需要修改的内容，请按提示修改');
      expect(taroStub.modals).toHaveLength(0); // no confirmation for a form that cannot go
      expect(calls.some((c) => c.path === '/cases')).toBe(false);
      expect(calls.find((c) => c.path.endsWith('/pre-review'))!.body).toMatchObject({
        formData: { name: '王示例', idNumber: GOOD_ID },
      });
      // corrected: reviewed again, then submitted
      fireEvent.change(screen.getByLabelText('申请人姓名（必填）'), { target: { value: '王示例二' } });
      expect(screen.queryByText('申请人姓名与实名认证信息不一致')).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      await waitFor(() => expect(calls.filter((c) => c.path === '/cases')).toHaveLength(1));
      expect(calls.filter((c) => c.path.endsWith('/pre-review'))).toHaveLength(2);
    });

    it('warnings are shown once; a second tap on the same answers submits', async () => {
      const { calls } = setup({
        'POST /services/bundle.demo/pre-review': review(
          [
            {
              pointer: '/formData/idNumber',
              message: '该身份证号码近期已申领过，请确认不是重复申请',
              blocking: false,
            },
            { material: 'hr', message: '户口簿首页可用电子证照，无需上传', blocking: false },
          ],
          true,
        ),
        'POST /cases': { status: 201, body: created },
      });
      render(<Apply />);
      await screen.findByText('示例申请表');
      fill();
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      const warning = await screen.findByText('该身份证号码近期已申领过，请确认不是重复申请');
      expect(warning.getAttribute('role')).toBe('status');
      expect(screen.getByLabelText('身份证号码（必填）').className).not.toContain('input--error');
      expect(screen.getByRole('status', { name: '预审提示' }).textContent).toContain(
        '以上提示不影响提交，确认无误后可再次点击「提交申请」。',
      );
      expect(taroStub.toasts).toContain('请查看预审提示，确认无误后再次点击提交');
      expect(calls.some((c) => c.path === '/cases')).toBe(false);
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      await waitFor(() =>
        expect(taroStub.navigations).toEqual([
          { kind: 'redirectTo', url: '/pages/case/index?id=case-1&submitted=1' },
        ]),
      );
      expect(calls.filter((c) => c.path.endsWith('/pre-review'))).toHaveLength(1);
      expect(taroStub.modals.map((m) => m.title)).toEqual(['确认提交']);
    });

    it("the gateway's 422 pre_review_failed on submission is shown the same way", async () => {
      let n = 0;
      const { calls } = setup({
        'POST /services/bundle.demo/pre-review': review([]),
        'POST /cases': () =>
          ++n === 1
            ? {
                status: 422,
                body: {
                  code: 'pre_review_failed',
                  title: '智能预审未通过',
                  detail: '申请人不在本市参保；缺少出生医学证明',
                  errors: [
                    { pointer: '/formData/idNumber', code: 'pre_review', message: '申请人不在本市参保' },
                    { pointer: '/formData', code: 'pre_review', message: '缺少出生医学证明' },
                  ],
                },
              }
            : { status: 201, body: created },
      });
      render(<Apply />);
      await screen.findByText('示例申请表');
      fill();
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      expect(await screen.findByText('申请人不在本市参保')).toBeTruthy();
      expect(screen.getByText('智能预审未通过')).toBeTruthy();
      expect(screen.getByRole('alert', { name: '预审提示' }).textContent).toContain('缺少出生医学证明');
      expect(taroStub.toasts).toContain('预审未通过，有 2 处需要修改');
      expect(taroStub.navigations).toEqual([]);
      fireEvent.click(screen.getByRole('button', { name: '提交申请' }));
      await waitFor(() => expect(taroStub.navigations).toHaveLength(1));
      const posts = calls.filter((c) => c.path === '/cases');
      expect(posts).toHaveLength(2);
      expect(posts[0]!.headers['Idempotency-Key']).not.toBe(posts[1]!.headers['Idempotency-Key']);
    });

    it('sorts hints: shown fields get theirs, the rest go to the list', () => {
      const shown = (f: string) => f === 'name' || f === 'idNumber';
      expect(
        hintsByField(
          [
            { pointer: '/formData/name', message: 'a', blocking: true },
            { field: 'idNumber', message: 'b', blocking: false },
            { pointer: '/formData/proof', message: 'c', blocking: true },
            { material: 'hr', message: 'd', blocking: false },
          ],
          shown,
        ),
      ).toEqual({
        errors: { name: 'a' },
        warnings: { idNumber: 'b' },
        notes: [
          { message: 'c', blocking: true },
          { message: 'd', blocking: false },
        ],
      });
    });
  });
});
