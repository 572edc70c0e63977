import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taroStub } from '../../test/taro-stub';
import { platform as dd } from './index.alipay';
import { platform as qywx } from './index.qywx';
import { platform as weapp } from './index.weapp';

const g = globalThis as Record<string, unknown>;

describe('platform seams', () => {
  beforeEach(() => taroStub.reset());
  afterEach(() => {
    delete g.dd;
    delete g.my;
  });

  it('DingTalk: staff 免登 code from dd.getAuthCode; citizens are not served', async () => {
    g.dd = {
      getAuthCode: (o: { success(r: { authCode: string }): void }) => o.success({ authCode: 'dd-auth-1' }),
    };
    expect(await dd.staffProof()).toEqual({ kind: 'dingtalk', authCode: 'dd-auth-1' });
    await expect(dd.citizenProof()).rejects.toThrow('钉钉内请使用工作人员身份登录');
    expect(dd.staffSilentLogin).toBe(true);
    expect(dd.channel).toBe('dingtalk');
  });

  it('DingTalk: a refused 免登 is an error the login page shows', async () => {
    g.dd = { getAuthCode: (o: { fail(e: unknown): void }) => o.fail({ errorMessage: '无权限' }) };
    await expect(dd.staffProof()).rejects.toEqual({ errorMessage: '无权限' });
  });

  it('WeCom: staff code from wx.qy.login, falling back to wx.login', async () => {
    expect(await qywx.staffProof()).toEqual({ kind: 'wecom', code: 'test-code' });
    expect(qywx.channel).toBe('wecom');
    expect(qywx.phoneProof).toBe('sms');
  });

  it('WeChat: citizens sign in with wx.login; phone by the getPhoneNumber button', async () => {
    expect(await weapp.citizenProof()).toEqual({ kind: 'wechat', code: 'test-code' });
    expect(weapp.phoneProof).toBe('wechat-button');
  });

  it('mini-programs open an image in the image viewer and a PDF in the document viewer, with the token', async () => {
    const header = { Authorization: 'Bearer ST' };
    await weapp.openFile({
      url: 'https://gw/api/v1/staff/cases/c1/materials/m1',
      header,
      mime: 'image/png',
      name: 'a.png',
    });
    await weapp.openFile({ url: 'https://gw/x/m2', header, mime: 'application/pdf', name: 'b.pdf' });
    expect(taroStub.opened).toEqual([
      { kind: 'download', url: 'https://gw/api/v1/staff/cases/c1/materials/m1', header },
      { kind: 'image', urls: ['wxfile://tmp/file'] },
      { kind: 'download', url: 'https://gw/x/m2', header },
      { kind: 'document', filePath: 'wxfile://tmp/file', fileType: 'pdf', showMenu: false },
    ]);
  });

  it('a refused download says so in zh-CN', async () => {
    taroStub.downloadStatus = 404;
    await expect(
      dd.openFile({ url: 'https://gw/x', header: {}, mime: 'application/pdf', name: 'b.pdf' }),
    ).rejects.toThrow('材料不存在或无权查看');
  });
});
