import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyCompute,
  errorsByField,
  type FormData,
  fieldStates,
  submittable,
  validate,
} from '../../lib/form-model';
import type { Api } from '../../services/api';
import { deleteDraft, getDraft, newSubmissionKey, saveDraft, submitCase } from '../../services/cases';
import { getPrefill, getService } from '../../services/catalog';
import { ApiError } from '../../services/errors';
import type { CaseDetail, ServiceDetail } from '../../services/types';

export type SubmitResult = { ok: true; case: CaseDetail } | { ok: false; message: string; code?: string };

/**
 * The apply page's state: form definition, values (with linkage and computed fields), draft resume and
 * save, inline errors (local checks first, then the gateway's by JSON pointer), and a submit that keeps
 * one Idempotency-Key until it succeeds, so a double tap or a retry never makes two cases.
 */
export function useApplyForm(api: Api, code: string) {
  const [service, setService] = useState<ServiceDetail>();
  const [data, setData] = useState<FormData>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string>();
  const [draftAt, setDraftAt] = useState<string>();
  const [prefilled, setPrefilled] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const key = useRef<string>();
  const inflight = useRef<Promise<SubmitResult>>();

  useEffect(() => {
    let alive = true;
    (async () => {
      const s = await getService(api, code);
      if (!alive) return;
      setService(s);
      const draft = await getDraft(api, code).catch(() => undefined);
      if (!alive || !s.form) return;
      if (!draft) {
        // No draft: start from what the citizen gave before (masked ID/phone are sent back as they are,
        // and the gateway uses the full values it kept).
        const prefill = await getPrefill(api, code).catch(() => undefined);
        if (alive && prefill?.formData) {
          setData(applyCompute(s.form, prefill.formData));
          setPrefilled(true);
        }
        return;
      }
      setData(applyCompute(s.form, draft.formData));
      setDraftAt(draft.updatedAt);
      if (draft.migratedFrom) setBanner('表单已更新，已按新版本保留您填写的内容，请核对');
    })().catch(() => setBanner('加载失败，请返回重试'));
    return () => {
      alive = false;
    };
  }, [api, code]);

  const form = service?.form;
  const states = useMemo(() => (form ? fieldStates(form, data) : {}), [form, data]);

  const change = useCallback(
    (name: string, value: unknown) => {
      if (!form) return;
      setData((d) => applyCompute(form, { ...d, [name]: value }));
      setErrors((e) => {
        if (!e[name]) return e;
        const { [name]: _gone, ...rest } = e;
        return rest;
      });
    },
    [form],
  );

  const save = useCallback(async () => {
    const d = await saveDraft(api, code, data);
    setDraftAt(d.updatedAt);
    api.platform.toast('草稿已保存，可随时回来继续填写', 'success');
  }, [api, code, data]);

  /** Local checks only (no request): marks the fields, answers the number of problems. */
  const check = useCallback((): number => {
    if (!form) return 0;
    const local = validate(form, data);
    setErrors(local);
    return Object.keys(local).length;
  }, [form, data]);

  const submit = useCallback((): Promise<SubmitResult> => {
    if (!form) return Promise.resolve({ ok: false, message: '表单未加载' });
    if (inflight.current) return inflight.current; // a second tap joins the first submission
    const local = validate(form, data);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return Promise.resolve({ ok: false, message: `有 ${Object.keys(local).length} 处需要修改` });
    }
    key.current ??= newSubmissionKey();
    setSubmitting(true);
    inflight.current = submitCase(
      api,
      { serviceCode: code, formData: submittable(form, data), fromDraft: Boolean(draftAt) },
      key.current,
    )
      .then((c): SubmitResult => {
        key.current = undefined;
        if (draftAt) void deleteDraft(api, code).catch(() => undefined);
        return { ok: true, case: c };
      })
      .catch((err: unknown): SubmitResult => {
        const e =
          err instanceof ApiError ? err : new ApiError({ kind: 'http', message: '提交失败，请稍后重试' });
        // A definite refusal (4xx) means the next attempt is a new request; a lost answer keeps the key.
        if (!e.retryable) key.current = undefined;
        const mapped = errorsByField(e.fieldErrors);
        setErrors(mapped.fields);
        const message = Object.keys(mapped.fields).length
          ? `有 ${Object.keys(mapped.fields).length} 处需要修改：${Object.values(mapped.fields)[0]}`
          : e.message;
        setBanner(mapped.other[0] ?? message);
        return { ok: false, message, code: e.code };
      })
      .finally(() => {
        inflight.current = undefined;
        setSubmitting(false);
      });
    return inflight.current;
  }, [api, code, data, draftAt, form]);

  return {
    service,
    form,
    data,
    states,
    errors,
    banner,
    draftAt,
    prefilled,
    submitting,
    change,
    save,
    check,
    submit,
  };
}
