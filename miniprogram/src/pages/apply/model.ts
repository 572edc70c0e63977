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
import { type PreReviewHint, preReview } from '../../services/profile';
import type { CaseDetail, ServiceDetail } from '../../services/types';

export type SubmitResult = { ok: true; case: CaseDetail } | { ok: false; message: string; code?: string };

/** A pre-review finding shown in the list above the form (materials, or no field of this form). */
export interface ReviewNote {
  message: string;
  blocking: boolean;
}

/**
 * Sorts pre-review hints: those about a shown field go under it (blocking as errors, the others as
 * warnings), the rest (materials to bring, the application as a whole) into the list at the top.
 */
export function hintsByField(
  hints: PreReviewHint[],
  shown: (field: string) => boolean,
): { errors: Record<string, string>; warnings: Record<string, string>; notes: ReviewNote[] } {
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  const notes: ReviewNote[] = [];
  for (const h of hints) {
    const field = h.field ?? (h.pointer?.startsWith('/formData/') ? h.pointer.split('/')[2] : undefined);
    if (field && shown(field)) (h.blocking ? errors : warnings)[field] ??= h.message;
    else notes.push({ message: h.message, blocking: h.blocking });
  }
  return { errors, warnings, notes };
}

/** `blocked`: a blocking hint; `warned`: warnings shown, a second tap on the same answers submits. */
export type ReviewOutcome = 'ok' | 'blocked' | 'warned';

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
  const [warnings, setWarnings] = useState<Record<string, string>>({});
  const [notes, setNotes] = useState<ReviewNote[]>([]);
  const [reviewing, setReviewing] = useState(false);
  /** The answers the citizen was warned about: submitting them unchanged needs no second review. */
  const warnedFor = useRef<string>();
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
      const without = (e: Record<string, string>) => {
        if (!e[name]) return e;
        const { [name]: _gone, ...rest } = e;
        return rest;
      };
      setErrors(without);
      setWarnings(without);
    },
    [form],
  );

  const showHints = useCallback(
    (hints: PreReviewHint[]) => {
      const sorted = hintsByField(hints, (f) => states[f]?.visible !== false && f in states);
      setErrors(sorted.errors);
      setWarnings(sorted.warnings);
      setNotes(sorted.notes);
      return sorted;
    },
    [states],
  );

  /**
   * The pre-review (材料预审) before the confirmation: blocking hints stop the submission, warnings are
   * shown once. When the pre-review cannot be reached the submission goes on: the gateway checks again.
   */
  const review = useCallback(async (): Promise<ReviewOutcome> => {
    if (!form) return 'ok';
    const body = submittable(form, data);
    const signature = JSON.stringify(body);
    if (warnedFor.current === signature) return 'ok';
    setReviewing(true);
    const r = await preReview(api, code, body)
      .catch(() => undefined)
      .finally(() => setReviewing(false));
    if (!r) return 'ok';
    const hints =
      r.passed || r.hints.some((h) => h.blocking)
        ? r.hints
        : [...r.hints, { message: '预审未通过，请核对填写的内容和材料', blocking: true }];
    showHints(hints);
    if (hints.some((h) => h.blocking)) return 'blocked';
    if (hints.length === 0) return 'ok';
    warnedFor.current = signature;
    return 'warned';
  }, [api, code, data, form, showHints]);

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
        if (e.code === 'pre_review_failed') {
          // The gateway's own pre-review refused it: shown like the pre-review's blocking hints.
          warnedFor.current = undefined;
          const shown = showHints(e.fieldErrors.map((f) => ({ ...f, blocking: true })));
          const count = Object.keys(shown.errors).length + shown.notes.length;
          // The title only: the detail repeats the hints shown by their fields and in the list.
          setBanner(e.title);
          return { ok: false, message: `预审未通过，有 ${count} 处需要修改`, code: e.code };
        }
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
  }, [api, code, data, draftAt, form, showHints]);

  return {
    service,
    form,
    data,
    states,
    errors,
    warnings,
    notes,
    reviewing,
    banner,
    draftAt,
    prefilled,
    submitting,
    change,
    save,
    check,
    review,
    submit,
  };
}
