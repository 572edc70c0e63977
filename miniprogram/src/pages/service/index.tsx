import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { MissingList } from '../../components/Eligibility';
import { go, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { getService } from '../../services/catalog';
import { type Eligibility, explanationBeside, getEligibility } from '../../services/profile';
import type { ServiceDetail } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

/** Whether the signed-in citizen meets the service's policy: 符合, 暂不符合 with what is missing, or a neutral word. */
export function EligibilityBox({ e }: { e: Eligibility }) {
  if (e.eligible === null)
    return (
      <View className="card" ariaRole="status">
        <Text className="muted">{e.explanation}</Text>
      </View>
    );
  return (
    <View className="card" ariaRole="status" ariaLabel={e.eligible ? '您符合办理条件' : '您暂不符合办理条件'}>
      <View className="row">
        <Text className="field__label">{e.eligible ? '您符合办理条件' : '您暂不符合办理条件'}</Text>
        <Text className={`chip${e.eligible ? ' chip--on' : ''}`}>{e.eligible ? '符合' : '暂不符合'}</Text>
      </View>
      {explanationBeside(e) && <Text className="field__help">{explanationBeside(e)}</Text>}
      {!e.eligible && <MissingList missing={e.missing} />}
    </View>
  );
}

/** 办事指南 in plain words: who can apply, what to bring, how long, what it costs; then 在线办理. */
export default function ServiceGuide() {
  const [elderly] = useElderly();
  const code = decodeURIComponent(useRouter().params.code ?? '');
  const [service, setService] = useState<ServiceDetail>();
  const [failed, setFailed] = useState(false);
  const [eligibility, setEligibility] = useState<Eligibility>();

  useEffect(() => {
    getService(api(), code).then(setService, () => setFailed(true));
    // Only for a signed-in citizen, and never in the way: without an answer the guide shows as before.
    if (api().citizen.signedIn) getEligibility(api(), code).then(setEligibility, () => undefined);
  }, [code]);

  if (failed)
    return (
      <View className={pageClass(elderly)}>
        <Text>没有找到这个事项</Text>
      </View>
    );
  if (!service)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">加载中…</Text>
      </View>
    );
  const g = service.guide;
  const apply = () => go(api().citizen.signedIn ? routes.apply(code) : routes.login(routes.apply(code)));

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{service.name}</Text>
      {eligibility && <EligibilityBox e={eligibility} />}
      {g.summary && (
        <View className="card">
          <Text>{g.summary}</Text>
        </View>
      )}
      <View className="card">
        <Text className="title">办理时间与费用</Text>
        <Text>
          承诺 {g.promisedWorkingDays ?? service.promisedWorkingDays ?? '—'} 个工作日办结
          {g.legalWorkingDays ? `（法定 ${g.legalWorkingDays} 个工作日）` : ''}，{g.fee ?? '不收费'}
        </Text>
        {g.handling?.visitsAtMost === 0 && <Text className="muted">全程网办，不用跑腿</Text>}
      </View>
      {g.conditions && g.conditions.length > 0 && (
        <View className="card">
          <Text className="title">谁可以办</Text>
          {g.conditions.map((c) => (
            <Text key={c} className="suggest__item" style={{ display: 'block' }}>
              · {c}
            </Text>
          ))}
        </View>
      )}
      {g.materials && g.materials.length > 0 && (
        <View className="card">
          <Text className="title">需要准备的材料</Text>
          {g.materials.map((m) => (
            <View key={m.code} className="suggest__item">
              <Text>{m.name}</Text>
              <Text className="muted">{m.required ? '（必需）' : '（按情况提供）'}</Text>
              {m.eLicence && <Text className="chip">可用电子证照</Text>}
              {m.note && <Text className="field__help">{m.note}</Text>}
            </View>
          ))}
        </View>
      )}
      {g.handling?.counter?.address && (
        <View className="card">
          <Text className="title">线下办理</Text>
          <Text>{g.handling.counter.address}</Text>
          <Text className="field__help">{g.handling.counter.hours}</Text>
        </View>
      )}
      <View className="footer">
        {service.form ? (
          <View className="btn" ariaRole="button" ariaLabel={`在线办理${service.name}`} onClick={apply}>
            在线办理
          </View>
        ) : (
          <Text className="muted">本事项暂不支持在线办理，请到窗口办理</Text>
        )}
      </View>
    </View>
  );
}
