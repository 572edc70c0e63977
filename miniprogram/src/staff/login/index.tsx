import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { routes } from '../../lib/nav';
import { api } from '../../services/api';
import { SANDBOX_STAFF, signInStaff } from '../../services/auth';
import { pageClass, useElderly } from '../../stores/elderly';

/** DingTalk / WeCom: silent 免登. Browser and WeChat: the sandbox's demo staff (not in production). */
export default function StaffLogin() {
  const [elderly] = useElderly();
  const { params } = useRouter();
  const [error, setError] = useState<string>();
  const back = params.back ? decodeURIComponent(params.back) : routes.staffTasks();

  const signIn = async (staffId?: string) => {
    setError(undefined);
    try {
      await signInStaff(api(), staffId);
      await Taro.redirectTo({ url: back });
    } catch {
      setError('登录没有成功，请再试一次');
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: silent 免登 is tried once, when the page opens
  useEffect(() => {
    if (api().platform.staffSilentLogin) void signIn();
  }, []);

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">工作人员登录</Text>
      {api().platform.staffSilentLogin ? (
        <Text className="muted">正在通过工作台免登…</Text>
      ) : (
        <View>
          <Text className="muted">演示环境：选择一位工作人员登录</Text>
          {SANDBOX_STAFF.map((s) => (
            <View
              key={s.id}
              className="btn btn--plain"
              ariaRole="button"
              ariaLabel={`以${s.name}登录`}
              onClick={() => signIn(s.id)}
            >
              {s.name}
            </View>
          ))}
        </View>
      )}
      {error && <Text className="field__error">{error}</Text>}
    </View>
  );
}
