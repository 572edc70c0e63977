import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { day, STEPS, stepOf, when } from '../../lib/format';
import { go, routes } from '../../lib/nav';
import { deliverySummary } from '../../more/delivery/model';
import { api } from '../../services/api';
import { askSubscriptions, getCase, getProgress, urgeCase, withdrawCase } from '../../services/cases';
import type { CaseDetail, CaseProgress } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

/** What the citizen must do now, in one sentence. */
export function nextStep(c: CaseDetail, p?: CaseProgress): string {
  if (p?.correction) return '需要您补充或更正材料，请按提示补正后重新提交';
  if (c.status === 'withdrawn') return '您已撤回这项申请，需要时可以重新申请';
  if (stepOf(c.status) === 3) {
    const result = c.status === 'completed' ? '已办结' : `办理结果：${c.statusLabel}`;
    return c.ratable ? `${result}，欢迎评价本次办理` : result;
  }
  const node = p?.current[0];
  if (node) return `${node.department?.name ?? c.department ?? ''}正在${node.name}，您暂时不用做什么`;
  return '正在办理中，您暂时不用做什么';
}

export default function CaseDetailPage() {
  const [elderly] = useElderly();
  const { params } = useRouter();
  const id = params.id ?? '';
  const [c, setC] = useState<CaseDetail>();
  const [p, setP] = useState<CaseProgress>();
  const [asked, setAsked] = useState(params.submitted === '1');

  const load = () => {
    getCase(api(), id).then(setC, () => undefined);
    getProgress(api(), id).then(setP, () => undefined);
  };
  // Again on return from choosing a delivery or rating.
  useDidShow(load);

  if (!c)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">加载中…</Text>
      </View>
    );
  const step = stepOf(c.status);

  const withdraw = async () => {
    const ok = await api().platform.confirm({
      title: '撤回申请',
      content: '撤回后需要重新提交，确定撤回吗？',
      confirmText: '撤回',
    });
    if (!ok) return;
    await withdrawCase(api(), id).then(load, () => undefined);
  };

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{c.service.name}</Text>
      <Text className="muted">办件编号 {c.caseNumber}</Text>
      <View className="card" ariaRole="status">
        <Text className="title">现在需要您做什么</Text>
        <Text>{nextStep(c, p)}</Text>
        {p?.dueAt && step < 3 && <Text className="field__help">预计 {day(p.dueAt)} 前办结</Text>}
      </View>
      <View className="card">
        <View className="row" ariaRole="list" ariaLabel={`办理进度：${STEPS[Math.min(step, 2)]}`}>
          {STEPS.map((s, i) => (
            <Text key={s} className={`chip${i < step || (i === step && step < 3) ? ' chip--on' : ''}`}>
              {s}
            </Text>
          ))}
        </View>
      </View>
      <View className="card">
        <Text className="title">办理记录</Text>
        {[...c.timeline].reverse().map((t) => (
          <View key={`${t.type}-${t.at}`} className="timeline__item">
            <Text>{t.label}</Text>
            {t.note && <Text className="field__help">{t.note}</Text>}
            <Text className="muted"> {when(t.at)}</Text>
          </View>
        ))}
      </View>
      {(c.delivery || (c.deliveryEditable && c.deliveryOptions?.length)) && (
        <View className="card">
          <Text className="title">结果领取方式</Text>
          <Text>{c.delivery ? deliverySummary(c.delivery) : '尚未选择，办结后将按您选择的方式送达'}</Text>
          {c.deliveryEditable && (
            <View
              className="btn btn--plain"
              ariaRole="button"
              ariaLabel={c.delivery ? '修改领取方式' : '选择领取方式'}
              onClick={() => go(routes.delivery(id))}
            >
              {c.delivery ? '修改领取方式' : '选择领取方式'}
            </View>
          )}
        </View>
      )}
      {c.rating && (
        <View className="card" ariaRole="status">
          <Text className="title">我的评价</Text>
          <Text>{c.rating.label}</Text>
          {c.rating.comment && <Text className="field__help">{c.rating.comment}</Text>}
        </View>
      )}
      {!c.rating && c.ratable && (
        <View className="btn" ariaRole="button" ariaLabel="评价本次办理" onClick={() => go(routes.rate(id))}>
          评价本次办理
        </View>
      )}
      {!asked && step < 3 && (
        <View
          className="btn btn--plain"
          ariaRole="button"
          ariaLabel="办理结果通知我"
          onClick={() => {
            setAsked(true);
            void askSubscriptions(api()).catch(() => undefined);
          }}
        >
          办理结果通知我
        </View>
      )}
      <View className="footer">
        {p?.canWithdraw && (
          <View className="btn btn--plain" ariaRole="button" ariaLabel="撤回申请" onClick={withdraw}>
            撤回申请
          </View>
        )}
        {step < 3 && (
          <View
            className="btn btn--plain"
            ariaRole="button"
            ariaLabel="催办"
            onClick={() =>
              void urgeCase(api(), id).then(
                () => api().platform.toast('已提醒工作人员尽快办理', 'success'),
                () => undefined,
              )
            }
          >
            催办
          </View>
        )}
        <View className="btn" ariaRole="button" ariaLabel="返回首页" onClick={() => go(routes.home())}>
          返回首页
        </View>
      </View>
    </View>
  );
}
