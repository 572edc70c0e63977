import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import DeliveryPage from './index';
import { choiceOf, errorsOf, formOf } from './model';

const sites = [
  { id: 'hall-1', name: '市民服务中心', address: '人民路 1 号', hours: '工作日 9:00-17:00' },
  { id: 'hall-2', name: '高新区便民服务中心', address: '科技大道 88 号', hours: '工作日 9:00-17:00' },
];
const detail = {
  id: 'c1',
  caseNumber: '20261127000001',
  service: { code: 'hrss.retirement', name: '退休一件事' },
  status: 'accepted',
  statusLabel: '已受理',
  submittedAt: '2026-11-27T03:00:00Z',
  updatedAt: '2026-11-27T04:00:00Z',
  timeline: [],
  delivery: null,
  deliveryEditable: true,
  deliveryOptions: [
    { method: 'mail', label: '邮寄送达' },
    { method: 'pickup', label: '窗口自取', sites },
    { method: 'elicence', label: '电子证照' },
  ],
};

function setup(put: Parameters<typeof fakeApi>[0][string] = { body: { method: 'pickup' } }, extra = {}) {
  taroStub.params = { id: 'c1' };
  const f = fakeApi({ 'GET /cases/c1': { body: { ...detail, ...extra } }, 'PUT /cases/c1/delivery': put });
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('result delivery page', () => {
  beforeEach(() => taroStub.reset());

  it('pick up at a window: choose the hall, saved, back to the case', async () => {
    const f = setup();
    render(<DeliveryPage />);
    fireEvent.click(await screen.findByRole('radio', { name: '领取方式（必填）：窗口自取' }));
    fireEvent.click(screen.getByRole('radio', { name: /高新区便民服务中心/ }));
    fireEvent.click(screen.getByRole('button', { name: '保存领取方式' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'PUT')?.body).toEqual({ method: 'pickup', siteId: 'hall-2' }),
    );
    await waitFor(() => expect(taroStub.navigations.at(-1)?.kind).toBe('navigateBack'));
  });

  it('mail: address fields appear only for mail and are required', async () => {
    const f = setup();
    render(<DeliveryPage />);
    expect(screen.queryByRole('textbox', { name: /收件人/ })).toBeNull();
    fireEvent.click(await screen.findByRole('radio', { name: '领取方式（必填）：邮寄送达' }));
    fireEvent.change(screen.getByRole('textbox', { name: '收件人（必填）' }), {
      target: { value: '林测试' },
    });
    fireEvent.click(screen.getByRole('button', { name: '保存领取方式' }));
    expect(await screen.findByText('请填写收件人手机号码')).toBeTruthy();
    expect(screen.getByText('请填写详细地址')).toBeTruthy();
    expect(f.calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it("the gateway's field errors are shown next to their fields", async () => {
    setup(
      {
        status: 422,
        body: {
          code: 'validation_failed',
          title: '提交的内容有误',
          errors: [{ pointer: '/address/phone', code: 'format', message: '请输入正确的手机号码' }],
        },
      },
      {
        delivery: {
          method: 'mail',
          methodLabel: '邮寄送达',
          address: {
            recipient: '林测试',
            phoneMasked: '139****0001',
            region: '110105',
            regionName: '北京市北京市朝阳区',
            detail: '测试路 1 号',
          },
          chosenAt: 1,
        },
      },
    );
    render(<DeliveryPage />);
    const phone = await screen
      .findByRole('textbox', { name: '收件人手机号码（必填）' })
      .catch(() => screen.findByRole('spinbutton', { name: '收件人手机号码（必填）' }));
    fireEvent.change(phone, { target: { value: '13900000001' } });
    fireEvent.click(screen.getByRole('button', { name: '保存领取方式' }));
    expect(await screen.findByText('请输入正确的手机号码')).toBeTruthy();
  });

  it('closed case: cannot be changed', async () => {
    setup(undefined, { deliveryEditable: false });
    render(<DeliveryPage />);
    expect(await screen.findByText('办件已办结，领取方式不能再修改。')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '保存领取方式' })).toBeNull();
  });

  it('a locked answer from the gateway is said plainly', async () => {
    setup({ status: 409, body: { code: 'delivery_locked', title: '办件已办结，不能再修改领取方式' } });
    render(<DeliveryPage />);
    fireEvent.click(await screen.findByRole('radio', { name: '领取方式（必填）：电子证照' }));
    fireEvent.click(screen.getByRole('button', { name: '保存领取方式' }));
    expect(await screen.findByText('办件已办结，不能再修改领取方式')).toBeTruthy();
  });
});

describe('delivery model', () => {
  it('form data to the body the gateway takes, and back (the phone is typed again)', () => {
    expect(
      choiceOf({
        method: 'mail',
        recipient: ' 林测试 ',
        phone: '13900000001',
        region: '110105',
        detail: '测试路 1 号',
        siteId: 'x',
      }),
    ).toEqual({
      method: 'mail',
      address: { recipient: '林测试', phone: '13900000001', region: '110105', detail: '测试路 1 号' },
    });
    expect(choiceOf({ method: 'elicence', recipient: 'x' })).toEqual({ method: 'elicence' });
    expect(
      formOf({
        method: 'mail',
        methodLabel: '邮寄送达',
        address: { recipient: '林测试', phoneMasked: '139****0001', region: '110105', detail: 'd' },
        chosenAt: 1,
      }),
    ).toEqual({ method: 'mail', recipient: '林测试', region: '110105', detail: 'd' });
  });
  it('pointers to fields', () => {
    expect(
      errorsOf([
        { pointer: '/address/region', code: 'x', message: '请选择所在地区' },
        { pointer: '/siteId', code: 'x', message: '请选择领取地点' },
        { pointer: '', code: 'x', message: '该事项不支持邮寄' },
      ]),
    ).toEqual({
      fields: { region: '请选择所在地区', siteId: '请选择领取地点' },
      other: ['该事项不支持邮寄'],
    });
  });
});
