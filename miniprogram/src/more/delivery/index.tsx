import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { FormRenderer, type WidgetContext } from '../../components/FormRenderer';
import { type FormData, fieldStates, validate } from '../../lib/form-model';
import { replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { chooseDelivery, getCase } from '../../services/cases';
import { getRegions } from '../../services/catalog';
import { ApiError } from '../../services/errors';
import type { CaseDetail } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';
import { choiceOf, deliveryForm, errorsOf, formOf } from './model';

/** Mail, pick up at a window, or an e-licence: chosen (and changed) until the case is closed. */
export default function DeliveryPage() {
  const [elderly] = useElderly();
  const id = useRouter().params.id ?? '';
  const a = api();
  const [c, setC] = useState<CaseDetail>();
  const [data, setData] = useState<FormData>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string>();
  const [saving, setSaving] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per case
  useEffect(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.delivery(id)));
    getCase(a, id).then(
      (detail) => {
        setC(detail);
        setData(formOf(detail.delivery));
      },
      () => setBanner('办件信息加载失败，请返回重试'),
    );
  }, [id]);

  const form = useMemo(() => deliveryForm(c?.deliveryOptions ?? []), [c]);
  const states = useMemo(() => fieldStates(form, data), [form, data]);
  const ctx = useMemo<WidgetContext>(
    () => ({
      loadRegions: (parent) => getRegions(a, parent).then((r) => r.items),
      pickFiles: async () => [],
      uploadFile: async () => ({ id: '', name: '' }),
      departments: [],
    }),
    [a],
  );

  const save = async () => {
    if (saving) return;
    const local = validate(form, data);
    setErrors(local);
    if (Object.keys(local).length) return a.platform.toast('请补全标红的内容');
    setSaving(true);
    try {
      await chooseDelivery(a, id, choiceOf(data));
      a.platform.toast('已保存领取方式', 'success');
      await Taro.navigateBack().catch(() => replace(routes.case(id)));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const mapped = errorsOf(e.fieldErrors);
      setErrors(mapped.fields);
      setBanner(mapped.other[0] ?? (Object.keys(mapped.fields).length ? undefined : e.message));
    } finally {
      setSaving(false);
    }
  };

  if (!c)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">{banner ?? '加载中…'}</Text>
      </View>
    );
  return (
    <View className={pageClass(elderly)}>
      <Text className="title">{c.service.name}</Text>
      <Text className="muted">办件编号 {c.caseNumber}</Text>
      {banner && (
        <View className="card" ariaRole="alert">
          <Text className="field__error">{banner}</Text>
        </View>
      )}
      {!c.deliveryEditable && (
        <View className="card" ariaRole="status">
          <Text>办件已办结，领取方式不能再修改。</Text>
        </View>
      )}
      {c.deliveryEditable && (
        <>
          <FormRenderer
            form={form}
            value={data}
            states={states}
            errors={errors}
            onChange={(name, value) => {
              setData((d) => ({ ...d, [name]: value }));
              setErrors((e) => {
                const { [name]: _, ...rest } = e;
                return rest;
              });
            }}
            ctx={ctx}
          />
          {data.method === 'elicence' && (
            <View className="card">
              <Text>办结后，证照将存入您的电子证照卡包，可在“我的证照”中查看和出示，无需到现场领取。</Text>
            </View>
          )}
          <View className="footer">
            <View className="btn" ariaRole="button" ariaLabel="保存领取方式" onClick={save}>
              {saving ? '正在保存…' : '保存'}
            </View>
          </View>
        </>
      )}
    </View>
  );
}
