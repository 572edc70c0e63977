import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { routes } from '../../lib/nav';
import { api } from '../../services/api';
import { signInCitizen } from '../../services/auth';
import { pageClass, useElderly } from '../../stores/elderly';

/** One tap: wx.login in WeChat, the sandbox in the browser. Then back to where the citizen was going. */
export default function Login() {
  const [elderly] = useElderly();
  const { params } = useRouter();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  const signIn = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await signInCitizen(api());
      const back = params.back ? decodeURIComponent(params.back) : routes.home();
      await Taro.redirectTo({ url: back });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">登录后办理</Text>
      <Text className="muted">我们只使用您的身份信息办理您申请的事项，不会用于其他用途。</Text>
      <View className="btn" ariaRole="button" ariaLabel="一键登录" onClick={busy ? undefined : signIn}>
        {busy ? '正在登录…' : '一键登录'}
      </View>
      {failed && <Text className="field__error">登录没有成功，请再试一次</Text>}
    </View>
  );
}
