import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { FormRenderer } from '../../components/FormRenderer';
import { fieldStates } from '../../lib/form-model';
import { fileSize, when } from '../../lib/format';
import { replace, routes } from '../../lib/nav';
import { deliverySummary } from '../../more/delivery/model';
import { api } from '../../services/api';
import { ACTION_LABELS, type ActionInput, openCaseMaterial, revealCaseField } from '../../services/staff';
import type { FormDefinition, TaskAction } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';
import { useTask } from './model';

const noCtx = {
  loadRegions: async () => [],
  pickFiles: async () => [],
  uploadFile: async () => ({ id: '', name: '' }),
  departments: [],
};

/**
 * The full mailing phone and street address, for whoever sends the result: asked for with a purpose,
 * which goes on the audit record (the gateway refuses those without 查看原文 permission).
 */
function MailingAddress({ caseId }: { caseId: string }) {
  const [purpose, setPurpose] = useState('邮寄办理结果，核对收件信息');
  const [asking, setAsking] = useState(false);
  const [full, setFull] = useState<{ phone: string; detail: string }>();
  if (full)
    return (
      <View ariaRole="status">
        <Text className="field__help">收件人手机号：{full.phone}</Text>
        <Text className="field__help">详细地址：{full.detail}</Text>
      </View>
    );
  if (!asking)
    return (
      <View className="link" ariaRole="button" ariaLabel="查看完整收件信息" onClick={() => setAsking(true)}>
        查看完整收件信息
      </View>
    );
  const reveal = async () => {
    if (purpose.trim().length < 4) return api().platform.toast('请说明查看目的（至少4个字）');
    const [phone, detail] = await Promise.all([
      revealCaseField(api(), caseId, 'delivery.phone', purpose.trim()),
      revealCaseField(api(), caseId, 'delivery.detail', purpose.trim()),
    ]).catch(() => [undefined, undefined]);
    if (phone && detail) setFull({ phone: phone.value, detail: detail.value });
  };
  return (
    <View>
      <Textarea
        className="input"
        value={purpose}
        ariaLabel="查看目的"
        maxlength={200}
        onInput={(e) => setPurpose(e.detail.value)}
      />
      <Text className="field__help">查看原文将记录在审计日志中。</Text>
      <View className="btn btn--plain btn--small" ariaRole="button" ariaLabel="确认查看" onClick={reveal}>
        确认查看
      </View>
    </View>
  );
}

export default function StaffTask() {
  const [elderly] = useElderly();
  const id = useRouter().params.id ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once when the (deep-linked) page opens
  useEffect(() => {
    if (!api().staff.signedIn) replace(routes.staffLogin(routes.staffTask(id)));
  }, []);
  const t = useTask(api(), id);
  const [action, setAction] = useState<TaskAction>();
  const [input, setInput] = useState<ActionInput>({});
  const [problem, setProblem] = useState<string>();

  if (t.error)
    return (
      <View className={pageClass(elderly)}>
        <Text>{t.error}</Text>
      </View>
    );
  if (!t.detail)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">加载中…</Text>
      </View>
    );
  const d = t.detail;
  const def = d.case.formDefinition;
  const form: FormDefinition | undefined = def && {
    ...def,
    id: d.case.form?.id ?? '',
    version: d.case.form?.version ?? 0,
  };
  const data = d.case.formData ?? {};
  const colleagues = (d.task.candidates ?? []).filter((c) => c.id);

  const confirm = async () => {
    if (!action) return;
    const r = await t.act(action, input);
    if (r.done) {
      setAction(undefined);
      setInput({});
      setProblem(undefined);
    } else if (r.reason !== 'cancelled') setProblem(r.message);
  };

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{d.task.service.name}</Text>
      <Text className="muted">
        办件 {d.task.caseNumber} · {d.node.name} · {d.task.statusLabel} · 到期 {when(d.task.dueAt)}
      </Text>
      {form && (
        <View>
          <Text className="muted">申请表（第 {form.version} 版）</Text>
          <FormRenderer
            form={{ ...form, ui: { ...form.ui } }}
            value={data}
            states={Object.fromEntries(
              Object.entries(fieldStates(form, data)).map(([k, s]) => [k, { ...s, readonly: true }]),
            )}
            errors={{}}
            onChange={() => undefined}
            ctx={noCtx}
          />
        </View>
      )}
      {(d.case.materials?.length ?? 0) > 0 && (
        <View className="card">
          <Text className="title">申请材料</Text>
          {d.case.materials?.map((m) => (
            <View
              key={m.id}
              className="row timeline__item"
              ariaRole="button"
              ariaLabel={`查看材料：${m.materialName ? `${m.materialName}，` : ''}${m.name}`}
              onClick={() =>
                void openCaseMaterial(api(), d.case.id, m).catch((e: Error) =>
                  api().platform.toast(e.message),
                )
              }
            >
              <View style={{ flex: 1 }}>
                <Text>{m.materialName ?? m.name}</Text>
                <Text className="field__help">
                  {m.name} · {fileSize(m.size)}
                </Text>
              </View>
              <Text className="link">查看</Text>
            </View>
          ))}
        </View>
      )}
      {d.case.delivery && (
        <View className="card">
          <Text className="title">结果领取方式</Text>
          <Text>{deliverySummary(d.case.delivery)}</Text>
          {d.case.delivery.method === 'mail' && <MailingAddress caseId={d.case.id} />}
        </View>
      )}
      {d.case.rating && (
        <View className="card">
          <Text className="title">申请人评价</Text>
          <Text>{d.case.rating.label}</Text>
          {d.case.rating.tags.length > 0 && (
            <Text className="field__help">{d.case.rating.tags.join('、')}</Text>
          )}
          {d.case.rating.comment && <Text className="field__help">{d.case.rating.comment}</Text>}
        </View>
      )}
      <View className="card">
        <Text className="title">办理记录</Text>
        {d.history.map((h) => (
          <View key={h.id} className="timeline__item">
            <Text>
              {h.label} · {h.actor.name}
            </Text>
            {h.comment && <Text className="field__help">{h.comment}</Text>}
            <Text className="muted"> {when(h.at)}</Text>
          </View>
        ))}
      </View>

      {action && (
        <View className="card" ariaRole="dialog" ariaLabel={`${ACTION_LABELS[action]}`}>
          <Text className="title">{ACTION_LABELS[action]}</Text>
          {action === 'return' && (
            <View className="chips" ariaRole="radiogroup" ariaLabel="退回到">
              {d.returnTargets.map((r) => (
                <View
                  key={r.nodeId}
                  className={`chip${input.target === r.nodeId ? ' chip--on' : ''}`}
                  ariaRole="radio"
                  ariaLabel={`退回到${r.name}`}
                  onClick={() => setInput({ ...input, target: r.nodeId })}
                >
                  {r.name}
                </View>
              ))}
            </View>
          )}
          {(action === 'transfer' || action === 'add-approver') && (
            <View className="chips" ariaRole="radiogroup" ariaLabel="选择同事">
              {colleagues.map((c) => {
                const on = action === 'transfer' ? input.to === c.id : input.staffIds?.includes(c.id);
                return (
                  <View
                    key={c.id}
                    className={`chip${on ? ' chip--on' : ''}`}
                    ariaRole="radio"
                    ariaLabel={`选择${c.name}`}
                    onClick={() =>
                      setInput(
                        action === 'transfer'
                          ? { ...input, to: c.id }
                          : { ...input, staffIds: [c.id], position: 'after' },
                      )
                    }
                  >
                    {c.name}
                  </View>
                );
              })}
            </View>
          )}
          <Textarea
            className="input"
            value={input.comment ?? ''}
            placeholder={action === 'return' ? '请填写退回原因（必填）' : '填写意见'}
            ariaLabel="办理意见"
            onInput={(e) => setInput({ ...input, comment: e.detail.value })}
          />
          {problem && (
            <View className="field__error" ariaRole="alert">
              {problem}
            </View>
          )}
          <View className="row">
            <View
              className="btn btn--plain"
              ariaRole="button"
              ariaLabel="取消"
              onClick={() => setAction(undefined)}
            >
              取消
            </View>
            <View
              className={`btn${action === 'reject' ? ' btn--danger' : ''}`}
              ariaRole="button"
              ariaLabel={`确认${ACTION_LABELS[action]}`}
              onClick={t.busy ? undefined : confirm}
            >
              确认{ACTION_LABELS[action]}
            </View>
          </View>
        </View>
      )}
      {!action && t.actions.length > 0 && (
        <View className="footer" style={{ flexWrap: 'wrap' }}>
          {t.actions.map((a) => (
            <View
              key={a}
              className={`btn${a === 'approve' ? '' : ' btn--plain'}`}
              ariaRole="button"
              ariaLabel={ACTION_LABELS[a]}
              onClick={() => setAction(a)}
            >
              {ACTION_LABELS[a]}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
