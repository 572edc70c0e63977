import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useRef } from 'react';
import { FormRenderer, type WidgetContext } from '../../components/FormRenderer';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { askSubscriptions, uploadMaterial } from '../../services/cases';
import { getRegions } from '../../services/catalog';
import { getMe } from '../../services/me';
import { pageClass, useElderly } from '../../stores/elderly';
import { type ReviewNote, useApplyForm } from './model';

/** 预审提示: materials and whole-application findings; warnings alone leave the submission open. */
function ReviewNotes({ notes, warned }: { notes: ReviewNote[]; warned: boolean }) {
  if (notes.length === 0 && !warned) return null;
  const blocking = notes.some((n) => n.blocking);
  return (
    <View className="card" ariaRole={blocking ? 'alert' : 'status'} ariaLabel="预审提示">
      <Text className="field__label">预审提示</Text>
      {notes.map((n) => (
        <Text key={n.message} className={n.blocking ? 'field__error' : 'field__warn'}>
          {n.blocking ? '需修改：' : '请留意：'}
          {n.message}
        </Text>
      ))}
      {!blocking && (
        <Text className="field__help">以上提示不影响提交，确认无误后可再次点击「提交申请」。</Text>
      )}
    </View>
  );
}

export default function Apply() {
  const [elderly] = useElderly();
  const code = decodeURIComponent(useRouter().params.code ?? '');
  const a = api();
  const m = useApplyForm(a, code);
  // biome-ignore lint/correctness/useExhaustiveDependencies: checked once when the page opens
  useEffect(() => {
    if (!a.citizen.signedIn) replace(routes.login(routes.apply(code)));
  }, []);

  const ctx = useMemo<WidgetContext>(
    () => ({
      loadRegions: (parent) => getRegions(a, parent).then((r) => r.items),
      pickFiles: (count, accept) => a.platform.chooseFiles({ count, accept }),
      uploadFile: (file, material, onProgress) =>
        uploadMaterial(a, file, material, onProgress).then((r) => ({ id: r.id, name: r.name })),
      departments: m.service?.departments ?? [],
    }),
    [a, m.service],
  );

  const tapping = useRef(false);
  const submit = async () => {
    // A second tap while the first is confirming or sending does nothing (one tap, one case).
    if (tapping.current) return;
    tapping.current = true;
    try {
      await confirmAndSubmit();
    } finally {
      tapping.current = false;
    }
  };
  /** Services that need a bound phone: keep the answers as a draft, bind, come back to submit. */
  const phoneReady = async () => {
    if (!m.service?.requiresPhone) return true;
    const me = await getMe(a).catch(() => undefined);
    if (!me || me.phoneBound) return true;
    await m.save().catch(() => undefined);
    const bind = await a.platform.confirm({
      title: '需要绑定手机号',
      content: '办理该事项需要绑定手机号，用于联系您和发送办理进度。您填写的内容已保存为草稿。',
      confirmText: '去绑定',
    });
    if (bind) go(routes.phone(routes.apply(code)));
    return false;
  };
  const confirmAndSubmit = async () => {
    // Mistakes are shown before asking for confirmation: the dialog is only for a form that can go.
    const problems = m.check();
    if (problems > 0) {
      a.platform.toast(`有 ${problems} 处需要修改，请查看标红的内容`);
      return;
    }
    const reviewed = await m.review();
    if (reviewed === 'blocked') {
      a.platform.toast('预审发现需要修改的内容，请按提示修改');
      return;
    }
    if (reviewed === 'warned') {
      a.platform.toast('请查看预审提示，确认无误后再次点击提交');
      return;
    }
    const ok = await a.platform.confirm({
      title: '确认提交',
      content: '提交后将送有关部门办理，请确认填写无误。',
      confirmText: '提交',
    });
    if (!ok) return;
    if (!(await phoneReady())) return;
    const r = await m.submit();
    if (!r.ok && r.code === 'phone_required') {
      // The gateway has the last word (the number may have been removed on another device).
      await m.save().catch(() => undefined);
      go(routes.phone(routes.apply(code)));
      return;
    }
    if (!r.ok) {
      a.platform.toast(r.message);
      return;
    }
    // Right after submitting is when citizens want progress messages: ask for consent now.
    await askSubscriptions(a).catch(() => undefined);
    await Taro.redirectTo({ url: routes.case(r.case.id, true) });
  };

  if (!m.form) {
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">{m.banner ?? '加载中…'}</Text>
      </View>
    );
  }
  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{m.form.title}</Text>
      {m.draftAt && <Text className="muted">已从草稿恢复</Text>}
      {m.prefilled && <Text className="muted">已根据您以往办事的信息自动填写，请核对</Text>}
      {m.banner && (
        <View className="card" ariaRole="alert">
          <Text className="field__error">{m.banner}</Text>
        </View>
      )}
      <ReviewNotes notes={m.notes} warned={Object.keys(m.warnings).length > 0} />
      <FormRenderer
        form={m.form}
        value={m.data}
        states={m.states}
        errors={m.errors}
        warnings={m.warnings}
        onChange={m.change}
        ctx={ctx}
      />
      <View className="footer">
        <View
          className="btn btn--plain"
          ariaRole="button"
          ariaLabel="保存草稿"
          onClick={() => void m.save().catch(() => undefined)}
        >
          保存草稿
        </View>
        <View
          className="btn"
          ariaRole="button"
          ariaLabel="提交申请"
          onClick={m.submitting || m.reviewing ? undefined : submit}
        >
          {m.reviewing ? '正在预审…' : m.submitting ? '正在提交…' : '提交申请'}
        </View>
      </View>
    </View>
  );
}
