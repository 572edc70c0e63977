import { Text, View } from '@tarojs/components';

const SERVICES = ['新生儿出生一件事', '企业开办一件事', '退休一件事', '生育津贴申领', '入学一件事'];

export default function Index() {
  return (
    <View>
      <Text>政务服务</Text>
      {SERVICES.map((s) => (
        <View key={s} ariaRole="link" ariaLabel={`办理${s}`}>
          {s}
        </View>
      ))}
    </View>
  );
}
