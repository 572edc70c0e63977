import { Text, View } from '@tarojs/components';

/** 还差: the conditions a citizen does not meet yet, one per line (service guide and policy list). */
export function MissingList({ missing }: { missing: string[] }) {
  if (missing.length === 0) return null;
  return (
    <View ariaRole="list" ariaLabel="还差的条件">
      <Text className="field__help">还差：</Text>
      {missing.map((m) => (
        <View key={m} className="field__error" ariaRole="listitem">
          · {m}
        </View>
      ))}
    </View>
  );
}
