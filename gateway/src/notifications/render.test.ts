import { describe, expect, it } from 'vitest';
import { loadNotificationsConfig, parseNotificationsConfig } from './notifications.config';
import { fitWechatValue, renderNotification, scrubPersonalNumbers } from './render';

const config = loadNotificationsConfig();

describe('notification texts', () => {
  it('never carry mobile or resident ID numbers; case numbers stay', () => {
    expect(scrubPersonalNumbers('电话13800138000，身份证110105194912319016')).toBe('电话*，身份证*');
    expect(scrubPersonalNumbers('+86 13800138000')).toBe('*');
    expect(scrubPersonalNumbers('办件编号20261127000123')).toBe('办件编号20261127000123');
  });

  it('fit the key type rules (thing ≤20, phrase ≤5 Han, character_string ASCII ≤32, no control characters)', () => {
    expect([...fitWechatValue('thing1', '一'.repeat(30))]).toHaveLength(20);
    expect(fitWechatValue('thing1', 'a\nb')).toBe('a b');
    expect(fitWechatValue('phrase3', '已办结')).toBe('已办结');
    expect(fitWechatValue('phrase3', '准予行政许可决定')).toBe('已更新');
    expect(fitWechatValue('character_string2', 'No.2026 中文-1')).toBe('No.2026-1');
    expect(fitWechatValue('character_string2', 'x'.repeat(40))).toHaveLength(32);
  });

  it('fill every configured event with Beijing time and the page of the case', () => {
    const at = Date.UTC(2026, 10, 27, 16, 5); // 00:05 on 28 Nov in Beijing
    const closed = renderNotification(config, config.events.closed!, {
      caseId: 'c-1',
      caseNumber: '20261127000123',
      serviceName: '个体工商户设立登记',
      topic: 'case.rejected',
      at,
    });
    expect(closed.wechat).toEqual({
      templateId: 'sim-tpl-case-closed',
      page: 'pages/cases/detail?id=c-1',
      data: {
        thing1: '个体工商户设立登记',
        character_string2: '20261127000123',
        phrase3: '未通过',
        time4: '2026-11-28 00:05',
      },
    });
    expect(closed.sms).toEqual({
      templateCode: 'SMS_CASE_CLOSED',
      params: { item: '个体工商户设立登记', result: '未通过，详情请在小程序中查看' },
    });
    const correction = renderNotification(config, config.events.correction!, {
      caseId: 'c-1',
      caseNumber: '20261127000123',
      serviceName: '个体工商户设立登记',
      topic: 'case.returned',
      at,
    });
    expect(correction.wechat.data.date4).toBe('2026年11月28日');
  });

  it('a config naming unknown key types or events is refused at load', () => {
    expect(() =>
      parseNotificationsConfig({
        topics: { 'case.accepted': ['nope'] },
        events: {
          a: {
            title: 't',
            wechat: { templateId: 'x', data: { foo1: 'v' } },
            sms: { templateCode: 'S', params: {} },
          },
        },
      }),
    ).toThrow(/foo1.*topics\.case\.accepted|topics\.case\.accepted.*foo1|foo1/);
  });
});
