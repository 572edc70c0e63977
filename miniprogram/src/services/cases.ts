import type { Api } from './api';
import { uuid } from './http';
import type {
  CaseDetail,
  CaseProgress,
  CaseSummary,
  DeliveryChoice,
  DeliveryView,
  Draft,
  Page,
  RatingView,
  UploadedMaterial,
} from './types';

/** One Idempotency-Key per submit intent: a double tap or a retry on a weak network sends the same one. */
export function newSubmissionKey(): string {
  return uuid();
}

export function submitCase(
  api: Api,
  input: { serviceCode: string; formData: Record<string, unknown>; fromDraft?: boolean },
  idempotencyKey: string,
): Promise<CaseDetail> {
  return api.http.post(
    '/cases',
    { ...input, channel: api.platform.channel },
    // Field errors are shown inline by the form page, so no toast for them here.
    { idempotencyKey, silent: true },
  );
}

export function listMyCases(api: Api, query: { cursor?: string; status?: string; limit?: number } = {}) {
  return api.http.get<Page<CaseSummary>>('/cases', query);
}

export const getCase = (api: Api, id: string) => api.http.get<CaseDetail>(`/cases/${id}`);
export const getProgress = (api: Api, id: string) => api.http.get<CaseProgress>(`/cases/${id}/progress`);
export const withdrawCase = (api: Api, id: string) => api.http.post(`/cases/${id}/withdraw`, {});
export const urgeCase = (api: Api, id: string) => api.http.post(`/cases/${id}/urge`, {});

export const getDraft = (api: Api, code: string) =>
  api.http.get<Draft>(`/drafts/${encodeURIComponent(code)}`, undefined, { silent: true });
export const saveDraft = (api: Api, code: string, formData: Record<string, unknown>) =>
  api.http.put<Draft>(`/drafts/${encodeURIComponent(code)}`, { formData, channel: api.platform.channel });
export const deleteDraft = (api: Api, code: string) => api.http.del(`/drafts/${encodeURIComponent(code)}`);

export function uploadMaterial(
  api: Api,
  file: { path: string; name: string },
  materialCode: string | undefined,
  onProgress: (percent: number) => void,
): Promise<UploadedMaterial> {
  return api.http
    .send<UploadedMaterial>({
      method: 'POST',
      path: '/materials',
      upload: {
        filePath: file.path,
        name: 'file',
        fileName: file.name,
        formData: materialCode ? { materialCode } : undefined,
        onProgress,
      },
    })
    .then((r) => r.data);
}

/** Subscribe-message templates asked for right after a submission (the moment the citizen cares). */
export const CASE_TEMPLATES = ['sim-tpl-case-accepted', 'sim-tpl-case-correction', 'sim-tpl-case-closed'];

export async function askSubscriptions(api: Api): Promise<void> {
  const answers = await api.platform.requestSubscribe(CASE_TEMPLATES);
  await api.http.post('/me/subscriptions', answers, { silent: true });
}

export const chooseDelivery = (api: Api, id: string, choice: DeliveryChoice) =>
  api.http.put<DeliveryView>(`/cases/${id}/delivery`, choice, { silent: true });

export interface RatingInput {
  score: number;
  tags?: string[];
  comment?: string;
}

export const rateCase = (api: Api, id: string, rating: RatingInput) =>
  api.http.post<RatingView>(`/cases/${id}/rating`, rating, { silent: true });
