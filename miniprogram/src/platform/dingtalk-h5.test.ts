import { describe, expect, it, vi } from 'vitest';
import { corpIdOf, dingtalkAuthCode, inDingTalk } from './dingtalk-h5';

vi.mock('dingtalk-jsapi/api/runtime/permission/requestAuthCode', () => ({
  default: async ({ corpId }: { corpId: string }) => ({ code: `code-for-${corpId}` }),
}));

describe('DingTalk H5 micro-app', () => {
  it("recognises DingTalk's browser", () => {
    expect(inDingTalk('Mozilla/5.0 (iPhone) AliApp(DingTalk/7.6.10) Channel/201200')).toBe(true);
    expect(inDingTalk('Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36')).toBe(false);
  });

  it('reads the corp id from the query or the hash route', () => {
    expect(corpIdOf('https://gw.example/?corpId=ding123#/staff/tasks/index')).toBe('ding123');
    expect(corpIdOf('https://gw.example/#/staff/task/index?id=t1&corpId=ding456')).toBe('ding456');
    expect(corpIdOf('https://gw.example/#/staff/task/index?id=t1')).toBeUndefined();
  });

  it('asks DingTalk for a 免登 code for that corp', async () => {
    expect(await dingtalkAuthCode('ding123')).toBe('code-for-ding123');
  });
});
