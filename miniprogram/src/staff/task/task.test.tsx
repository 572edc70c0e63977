import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import { actionBody } from '../../services/staff';
import StaffTask from './index';

const detail = {
  task: {
    id: 't1',
    kind: 'approval',
    status: 'open',
    statusLabel: '待办',
    caseId: 'c1',
    caseNumber: '20261127000001',
    service: { code: 'hrss.maternity-allowance', name: '生育津贴申领' },
    node: { id: 'accept', name: '窗口受理' },
    department: { code: 'hrss', name: '市人力资源和社会保障局' },
    dueAt: '2026-11-30T09:30:00Z',
    overdue: false,
    createdAt: '2026-11-27T03:00:00Z',
    candidates: [
      { id: 'st-hrss-clerk-1', name: '徐丽' },
      { id: 'st-hrss-clerk-2', name: '朱晓东' },
    ],
  },
  node: { id: 'accept', name: '窗口受理', type: 'approver' },
  caseStatus: 'running',
  case: {
    id: 'c1',
    caseNumber: '20261127000001',
    service: { code: 'hrss.maternity-allowance', name: '生育津贴申领' },
    status: 'submitted',
    statusLabel: '已提交',
    form: { id: 'maternity-allowance', version: 1 },
    formData: { applicantName: '李示例', idNumber: '110***********9513', phone: '130****0000' },
    timeline: [],
    formDefinition: {
      title: '生育津贴申领表',
      schema: {
        type: 'object',
        properties: {
          applicantName: { type: 'string', title: '申请人姓名' },
          idNumber: { type: 'string', title: '身份证号码' },
          phone: { type: 'string', title: '手机号码' },
        },
      },
      ui: {
        sections: [{ title: '申请人信息', fields: ['applicantName', 'idNumber', 'phone'] }],
        fields: { applicantName: { widget: 'text' }, idNumber: { widget: 'id-number' } },
      },
    },
  },
  history: [
    {
      id: 'h1',
      action: 'started',
      label: '流程启动',
      actor: { type: 'citizen', name: '申请人' },
      comment: null,
      at: '2026-11-27T03:00:00Z',
    },
  ],
  actions: ['claim', 'approve', 'reject', 'return', 'transfer', 'comment', 'cc'],
  returnTargets: [{ nodeId: 'applicant', name: '申请人（补正）' }],
};

function setup() {
  taroStub.params = { id: 't1' };
  const ok = { body: { id: 't1', kind: 'approval', status: 'completed' } };
  const f = fakeApi({
    'GET /staff/tasks/t1': { body: detail },
    'POST /staff/tasks/t1/approve': ok,
    'POST /staff/tasks/t1/return': ok,
    'POST /staff/tasks/t1/transfer': ok,
  });
  f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('staff task page', () => {
  it('shows the case form (its version, read-only, masked), history and the allowed actions', async () => {
    setup();
    render(<StaffTask />);
    expect(await screen.findByText('申请表（第 1 版）')).toBeTruthy();
    expect((screen.getByLabelText('身份证号码') as HTMLInputElement).value).toBe('110***********9513');
    expect((screen.getByLabelText('申请人姓名') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('手机号码') as HTMLInputElement).value).toBe('130****0000');
    expect(screen.getByText('流程启动 · 申请人')).toBeTruthy();
    const buttons = ['签收', '同意', '不同意', '退回', '转交', '评论'].map((n) =>
      screen.getByRole('button', { name: n }),
    );
    expect(buttons).toHaveLength(6);
  });

  it('approves only after an explicit confirmation naming the case', async () => {
    const { calls } = setup();
    render(<StaffTask />);
    fireEvent.click(await screen.findByRole('button', { name: '同意' }));
    taroStub.modalAnswers = [false];
    fireEvent.click(screen.getByRole('button', { name: '确认同意' }));
    await waitFor(() => expect(taroStub.modals).toHaveLength(1));
    expect(taroStub.modals[0]!.content).toBe('办件 20261127000001（生育津贴申领）：确定同意吗？');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    fireEvent.change(screen.getByLabelText('办理意见'), { target: { value: '材料齐全，予以受理' } });
    fireEvent.click(screen.getByRole('button', { name: '确认同意' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/staff/tasks/t1/approve')).toBe(true));
    expect(calls.find((c) => c.path === '/staff/tasks/t1/approve')!.body).toEqual({
      comment: '材料齐全，予以受理',
    });
    expect(calls.find((c) => c.path === '/staff/tasks/t1/approve')!.headers.Authorization).toBe('Bearer ST');
    await waitFor(() => expect(taroStub.toasts).toContain('已同意'));
  });

  it('a return needs a target and a reason', async () => {
    const { calls } = setup();
    render(<StaffTask />);
    fireEvent.click(await screen.findByRole('button', { name: '退回' }));
    fireEvent.click(screen.getByRole('button', { name: '确认退回' }));
    expect(await screen.findByText('请填写退回原因')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('办理意见'), { target: { value: '身份证照片不清晰' } });
    fireEvent.click(screen.getByRole('button', { name: '确认退回' }));
    expect(await screen.findByText('请选择退回到哪一步')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: '退回到申请人（补正）' }));
    fireEvent.click(screen.getByRole('button', { name: '确认退回' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/staff/tasks/t1/return')).toBe(true));
    expect(calls.find((c) => c.path === '/staff/tasks/t1/return')!.body).toEqual({
      target: 'applicant',
      comment: '身份证照片不清晰',
    });
  });

  it('transfers to a chosen colleague', async () => {
    const { calls } = setup();
    render(<StaffTask />);
    fireEvent.click(await screen.findByRole('button', { name: '转交' }));
    fireEvent.click(screen.getByRole('radio', { name: '选择朱晓东' }));
    fireEvent.click(screen.getByRole('button', { name: '确认转交' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/staff/tasks/t1/transfer')).toBe(true));
    expect(calls.find((c) => c.path === '/staff/tasks/t1/transfer')!.body).toEqual({ to: 'st-hrss-clerk-2' });
  });

  it('a deep link without a staff login goes to the staff login and back to the task', async () => {
    taroStub.params = { id: 't1' };
    setApi(
      fakeApi({ 'GET /staff/tasks/t1': { status: 401, body: { title: '未登录或登录已失效', status: 401 } } })
        .api,
    );
    render(<StaffTask />);
    await waitFor(() =>
      expect(taroStub.navigations[0]!.url).toBe(
        `/staff/login/index?back=${encodeURIComponent('/staff/task/index?id=t1')}`,
      ),
    );
  });

  it('sends only the fields each action accepts', () => {
    expect(actionBody('add-approver', { staffIds: ['a'], comment: ' 请会签 ' })).toEqual({
      staffIds: ['a'],
      position: 'after',
      comment: '请会签',
    });
    expect(actionBody('approve', { comment: '  ', to: 'x' })).toEqual({});
    expect(actionBody('reject', { comment: '不符合条件', target: 'x' })).toEqual({ comment: '不符合条件' });
  });

  it('lists the materials and opens one with the staff token; shows delivery and rating', async () => {
    taroStub.params = { id: 't1' };
    const opened: unknown[] = [];
    const withMaterials = {
      ...detail,
      case: {
        ...detail.case,
        materials: [
          {
            id: 'm1',
            name: '出生证明.png',
            mime: 'image/png',
            size: 20480,
            materialCode: 'birth-proof',
            materialName: '出生医学证明',
          },
        ],
        delivery: { method: 'elicence', methodLabel: '电子证照', chosenAt: 1 },
        rating: { score: 2, label: '不满意', tags: ['多次跑腿'], comment: '跑了两次', ratedAt: 1 },
      },
    };
    const f = fakeApi(
      { 'GET /staff/tasks/t1': { body: withMaterials } },
      {
        openFile: async (o) => {
          opened.push(o);
        },
      },
    );
    f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
    setApi(f.api);
    render(<StaffTask />);
    fireEvent.click(await screen.findByRole('button', { name: '查看材料：出生医学证明，出生证明.png' }));
    await waitFor(() =>
      expect(opened).toEqual([
        {
          url: 'http://gateway.test/api/v1/staff/cases/c1/materials/m1',
          header: { Authorization: 'Bearer ST' },
          mime: 'image/png',
          name: '出生证明.png',
        },
      ]),
    );
    expect(screen.getByText('出生证明.png · 20.0 KB')).toBeTruthy();
    expect(screen.getByText('电子证照')).toBeTruthy();
    expect(screen.getByText('不满意')).toBeTruthy();
    expect(screen.getByText('多次跑腿')).toBeTruthy();
  });

  it('a material that cannot be opened says why', async () => {
    taroStub.params = { id: 't1' };
    const f = fakeApi(
      {
        'GET /staff/tasks/t1': {
          body: {
            ...detail,
            case: {
              ...detail.case,
              materials: [{ id: 'm1', name: 'a.pdf', mime: 'application/pdf', size: 10 }],
            },
          },
        },
        'POST /auth/staff/refresh': { status: 401, body: { code: 'session_expired', title: '登录已过期' } },
      },
      {
        openFile: async () => {
          throw new Error('材料不存在或无权查看');
        },
      },
    );
    f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
    setApi(f.api);
    render(<StaffTask />);
    fireEvent.click(await screen.findByRole('button', { name: '查看材料：a.pdf' }));
    await waitFor(() => expect(taroStub.toasts).toContain('材料不存在或无权查看'));
  });

  it('reveals the full mailing address with a purpose; a refusal is said by the gateway', async () => {
    taroStub.params = { id: 't1' };
    const mailed = {
      ...detail,
      case: {
        ...detail.case,
        delivery: {
          method: 'mail',
          methodLabel: '邮寄送达',
          address: {
            recipient: '王测试',
            phoneMasked: '139****1234',
            region: '330106',
            regionName: '浙江省杭州市西湖区',
            detail: '文三路****',
          },
          chosenAt: 1,
        },
      },
    };
    const f = fakeApi({
      'GET /staff/tasks/t1': { body: mailed },
      'POST /staff/cases/c1/reveal': (call) => ({
        body: {
          caseId: 'c1',
          field: (call.body as { field: string }).field,
          value:
            (call.body as { field: string }).field === 'delivery.phone'
              ? '13900001234'
              : '文三路 90 号 3 幢 201 室',
        },
      }),
    });
    f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
    setApi(f.api);
    render(<StaffTask />);
    expect(
      await screen.findByText('邮寄送达：王测试 139****1234，浙江省杭州市西湖区文三路****'),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '查看完整收件信息' }));
    fireEvent.click(screen.getByRole('button', { name: '确认查看' }));
    expect(await screen.findByText('收件人手机号：13900001234')).toBeTruthy();
    expect(screen.getByText('详细地址：文三路 90 号 3 幢 201 室')).toBeTruthy();
    const bodies = f.calls.filter((c) => c.path === '/staff/cases/c1/reveal').map((c) => c.body);
    expect(bodies).toEqual(
      expect.arrayContaining([
        { field: 'delivery.phone', purpose: '邮寄办理结果，核对收件信息' },
        { field: 'delivery.detail', purpose: '邮寄办理结果，核对收件信息' },
      ]),
    );
  });
});
