import { Input, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { ApiError } from '../../services/errors';
import { askOfferSubscription, type BoundProfile, bindRealName, getProfile } from '../../services/profile';
import { pageClass, useElderly } from '../../stores/elderly';
import { type RealNameInput, realNameProblems } from './model';

type Errors = Partial<Record<keyof RealNameInput, string>>;

/**
 * 实名认证: name and ID number, checked here first (GB 11643 check character), then by the gateway
 * against the population register. Once verified, the profile (我的档案) is what the policies match.
 */
export default function RealNamePage() {
  const [elderly] = useElderly();
  const a = api();
  const [input, setInput] = useState<RealNameInput>({ name: '', idNumber: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string>();
  const [bound, setBound] = useState<Pick<BoundProfile, 'name' | 'idNumber'>>();
  const [alreadyBound, setAlreadyBound] = useState(false);
  const [sending, setSending] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once when the page opens
  useEffect(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.realName()));
    getProfile(a).then(
      (p) => p.bound && setBound(p),
      () => undefined,
    );
  }, []);

  const change = (field: keyof RealNameInput, value: string) => {
    setInput((i) => ({ ...i, [field]: value }));
    setErrors(({ [field]: _gone, ...rest }) => rest);
  };

  const submit = async () => {
    if (sending) return;
    const problems = realNameProblems(input);
    setErrors(problems);
    setBanner(undefined);
    if (Object.keys(problems).length) return;
    setSending(true);
    try {
      await bindRealName(a, { name: input.name.trim(), idNumber: input.idNumber.trim().toUpperCase() });
      a.platform.toast('实名认证成功', 'success');
      // Offers found for her later reach her by WeChat while she keeps this consent (else by SMS).
      await askOfferSubscription(a).catch(() => undefined);
      replace(routes.profile());
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const fields: Errors = {};
      for (const f of e.fieldErrors) {
        const key = f.pointer.replace(/^\//, '');
        if (key === 'name' || key === 'idNumber') fields[key] ??= f.message;
      }
      setErrors(fields);
      setBanner(Object.keys(fields).length ? undefined : e.message);
      setAlreadyBound(e.code === 'real_name_bound');
    } finally {
      setSending(false);
    }
  };

  const field = (
    key: keyof RealNameInput,
    label: string,
    extra: { placeholder: string; maxlength: number },
  ) => (
    <View className="field">
      <Text className="field__label">{label}</Text>
      <Input
        className={`input${errors[key] ? ' input--error' : ''}`}
        type={key === 'idNumber' ? 'idcard' : 'text'}
        value={input[key]}
        ariaLabel={label}
        onInput={(e) => change(key, e.detail.value)}
        {...extra}
      />
      {errors[key] && (
        <View className="field__error" ariaRole="alert">
          {errors[key]}
        </View>
      )}
    </View>
  );

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">实名认证</Text>
      <Text className="muted">
        认证后，我们会根据相关部门的信息为您查找可享受的政策，并在办事时帮您自动填写。身份信息加密保存，仅用于以上用途。
      </Text>
      {bound && (
        <View className="card" ariaRole="status">
          <Text>
            您已完成实名认证：{bound.name}（{bound.idNumber}）
          </Text>
          <View
            className="link"
            ariaRole="link"
            ariaLabel="查看我的档案"
            onClick={() => go(routes.profile())}
          >
            查看我的档案
          </View>
        </View>
      )}
      {banner && (
        <View className="card" ariaRole="alert">
          <Text className="field__error">{banner}</Text>
          {alreadyBound && (
            <View
              className="link"
              ariaRole="link"
              ariaLabel="查看我的档案"
              onClick={() => go(routes.profile())}
            >
              查看我的档案
            </View>
          )}
        </View>
      )}
      {!bound && (
        <View className="card">
          {field('name', '姓名', { placeholder: '与身份证上的姓名一致', maxlength: 30 })}
          {field('idNumber', '身份证号码', { placeholder: '18位居民身份证号码', maxlength: 18 })}
          <View className="btn" ariaRole="button" ariaLabel="提交认证" onClick={sending ? undefined : submit}>
            {sending ? '正在核验…' : '提交认证'}
          </View>
        </View>
      )}
    </View>
  );
}
