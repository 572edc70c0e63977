import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { ApiError } from '../../services/errors';
import { bindPhoneSms, bindPhoneWechat, getMe, sendPhoneSmsCode } from '../../services/me';
import type { Me } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Binding a phone number: in WeChat one tap on 「微信手机号快捷绑定」 (WeChat's own consent sheet);
 * elsewhere a number and an SMS code. `back` returns to the page that needed it (an application).
 */
export default function PhonePage() {
  const [elderly] = useElderly();
  const params = useRouter().params;
  const back = params.back ? decodeURIComponent(params.back) : undefined;
  const a = api();
  const [me, setMe] = useState<Me>();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string>();
  const [hint, setHint] = useState<string>();
  const [wait, setWait] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval>>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once when the page opens
  useEffect(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.phone(back)));
    getMe(a).then(setMe, () => undefined);
    return () => clearInterval(timer.current);
  }, []);

  const countdown = (seconds: number) => {
    clearInterval(timer.current);
    setWait(seconds);
    timer.current = setInterval(() => {
      setWait((w) => {
        if (w <= 1) clearInterval(timer.current);
        return Math.max(0, w - 1);
      });
    }, 1000);
  };

  const show = (e: unknown) => {
    if (!(e instanceof ApiError)) throw e;
    const fields: Record<string, string> = {};
    for (const f of e.fieldErrors) fields[f.pointer.replace(/^\//, '')] ??= f.message;
    setErrors(fields);
    setBanner(Object.keys(fields).length ? undefined : e.message);
    if (e.status === 429) countdown(60);
  };

  const done = (masked: string) => {
    a.platform.toast(`已绑定 ${masked}`, 'success');
    setMe((m) => (m ? { ...m, phoneBound: true, phoneMasked: masked } : m));
    // The page that needed the number (an application with its answers) is still underneath.
    if (back) void Taro.navigateBack().catch(() => replace(back));
  };

  const sendCode = async () => {
    if (wait > 0) return;
    if (!MOBILE.test(phone)) return setErrors({ phone: '请输入正确的手机号码' });
    setErrors({});
    setBanner(undefined);
    try {
      const r = await sendPhoneSmsCode(a, phone);
      countdown(r.resendAfter);
      setHint(
        r.sandboxCode
          ? `体验环境：短信不会真正发出，验证码是 ${r.sandboxCode}`
          : `验证码已发送，${Math.round(r.expiresIn / 60)} 分钟内有效`,
      );
    } catch (e) {
      show(e);
    }
  };

  const bindWithSms = async () => {
    const problems: Record<string, string> = {};
    if (!MOBILE.test(phone)) problems.phone = '请输入正确的手机号码';
    if (!/^\d{6}$/.test(code)) problems.smsCode = '请输入6位验证码';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    try {
      done((await bindPhoneSms(a, phone, code)).phoneMasked);
    } catch (e) {
      show(e);
    }
  };

  const bindWithWechat = async (e: { detail: { code?: string; errMsg?: string } }) => {
    // Declining WeChat's sheet gives no code: nothing to do, the SMS way stays open.
    if (!e.detail.code) return;
    try {
      done((await bindPhoneWechat(a, e.detail.code)).phoneMasked);
    } catch (err) {
      show(err);
    }
  };

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">绑定手机号</Text>
      <Text className="muted">
        用于接收办理进度短信，部分事项须绑定后才能提交。号码加密保存，不会用于其他用途。
      </Text>
      {me?.phoneBound && (
        <View className="card" ariaRole="status">
          <Text>当前已绑定：{me.phoneMasked}</Text>
          <Text className="field__help">重新绑定将替换当前号码。</Text>
        </View>
      )}
      {banner && (
        <View className="card" ariaRole="alert">
          <Text className="field__error">{banner}</Text>
        </View>
      )}
      {a.platform.phoneProof === 'wechat-button' && (
        <Button
          className="btn"
          openType="getPhoneNumber"
          onGetPhoneNumber={bindWithWechat}
          ariaLabel="微信手机号快捷绑定"
        >
          微信手机号快捷绑定
        </Button>
      )}
      <View className="card">
        {a.platform.phoneProof === 'wechat-button' && (
          <Text className="muted">或使用短信验证码绑定其他号码</Text>
        )}
        <View className="field">
          <Text className="field__label">手机号码</Text>
          <Input
            className={`input${errors.phone ? ' input--error' : ''}`}
            type="number"
            maxlength={11}
            value={phone}
            placeholder="请输入11位手机号码"
            ariaLabel="手机号码"
            onInput={(e) => setPhone(e.detail.value.trim())}
          />
          {errors.phone && (
            <View className="field__error" ariaRole="alert">
              {errors.phone}
            </View>
          )}
        </View>
        <View className="field">
          <Text className="field__label">短信验证码</Text>
          <View className="row">
            <Input
              className={`input${errors.smsCode ? ' input--error' : ''}`}
              style={{ flex: 1 }}
              type="number"
              maxlength={6}
              value={code}
              placeholder="6位验证码"
              ariaLabel="短信验证码"
              onInput={(e) => setCode(e.detail.value.trim())}
            />
            <View
              className="btn btn--plain btn--small"
              ariaRole="button"
              ariaLabel={wait > 0 ? `${wait}秒后可重新获取` : '获取验证码'}
              onClick={sendCode}
            >
              {wait > 0 ? `${wait}秒后重发` : '获取验证码'}
            </View>
          </View>
          {hint && <Text className="field__help">{hint}</Text>}
          {errors.smsCode && (
            <View className="field__error" ariaRole="alert">
              {errors.smsCode}
            </View>
          )}
        </View>
        <View className="btn" ariaRole="button" ariaLabel="确认绑定" onClick={bindWithSms}>
          确认绑定
        </View>
      </View>
    </View>
  );
}
