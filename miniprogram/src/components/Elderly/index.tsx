import { Switch, Text, View } from '@tarojs/components';
import { useElderly } from '../../stores/elderly';

/** The 长辈模式 switch: on every home screen, remembered across visits. */
export function ElderlyToggle() {
  const [on, set] = useElderly();
  return (
    <View className="row card">
      <Text>长辈模式（大字体、高对比）</Text>
      <Switch
        checked={on}
        ariaLabel={on ? '关闭长辈模式' : '开启长辈模式'}
        onChange={(e) => set(Boolean(e.detail.value))}
      />
    </View>
  );
}
