import type { Api } from './api';

/**
 * 政策找人 (issue 9), the citizen side: the profile the departments' data make up, the consents that
 * govern it, the policies it qualifies for, the offers made from it, and the pre-review of a form.
 * All texts in the answers are zh-CN and ready to show; ID numbers and names arrive masked.
 */

/** What a department source's data may be used for. */
export type ConsentPurpose = 'eligibility' | 'prefill' | 'proactive';

/** One value the profile holds, with where it came from. */
export interface ProfileItem {
  fact: string;
  label: string;
  value: string;
  source: string;
  sourceLabel: string;
  /** YYYY-MM-DD */
  observedAt: string;
  /** e.g. 「出生日期：1990-03-07 · 来源：公安户籍 · 1990-03-20」 */
  text: string;
}

/** A life event on the profile's timeline (出生, 结婚, 购房, 临近退休…). */
export interface LifeEventEntry {
  kind: string;
  label: string;
  at: string;
  sourceLabel: string;
}

export interface ProfileConsent {
  source: string;
  sourceLabel: string;
  purpose: ConsentPurpose;
  purposeLabel: string;
  granted: boolean;
  revokedAt?: string;
}

/** GET /me/profile: nothing until the citizen has passed real-name verification. */
export type CitizenProfile =
  | { bound: false }
  | {
      bound: true;
      /** masked, e.g. 110***********123X */
      idNumber: string;
      /** masked, e.g. 王*明 */
      name: string;
      items: ProfileItem[];
      /** Sources left out (a revoked consent), one sentence each. */
      excluded: string[];
      /** Facts the sources disagree on, one sentence each. */
      conflicts: string[];
      timeline: LifeEventEntry[];
      consents: ProfileConsent[];
    };

export type BoundProfile = Extract<CitizenProfile, { bound: true }>;

/** apply: the citizen applies (pre-filled); automatic: 免申即享, the department grants it unasked. */
export type Grant = 'apply' | 'automatic';

/** A policy and whether the citizen meets it, explained. */
export interface PolicyMatch {
  code: string;
  title: string;
  summary: string;
  serviceCode: string;
  serviceName: string;
  grant: Grant;
  eligible: boolean;
  /** e.g. 「还差：社保缴费满15年，当前12年」 */
  explanation: string;
  /** Conditions that hold. */
  reasons: string[];
  /** What is missing. */
  missing: string[];
}

export interface PolicyList {
  bound: boolean;
  items: PolicyMatch[];
}

/** GET /services/{code}/eligibility; `eligible: null` = no rule for the service, or not verified yet. */
export interface Eligibility {
  serviceCode: string;
  policyCode?: string;
  eligible: boolean | null;
  explanation: string;
  reasons: string[];
  missing: string[];
}

/** One finding of the pre-review; `blocking` ones stop the submission, the others are warnings. */
export interface PreReviewHint {
  /** `/formData/<field>` */
  pointer?: string;
  field?: string;
  /** A material code when the hint is about a document to bring or upload. */
  material?: string;
  message: string;
  blocking: boolean;
}

export interface PreReview {
  passed: boolean;
  hints: PreReviewHint[];
}

export type OfferStatus = 'offered' | 'accepted' | 'declined' | 'granted' | 'ended';

/** A proactive offer made to the citizen (a policy they now qualify for, often after a life event). */
export interface Offer {
  id: string;
  policyCode: string;
  title: string;
  message: string;
  lifeEvent?: { kind: string; label: string; at: string };
  serviceCode: string;
  serviceName: string;
  grant: Grant;
  status: OfferStatus;
  /** The case opened for a granted (免申即享) offer. */
  caseId?: string;
  createdAt: string;
  /** YYYY-MM-DD */
  dueDate?: string;
}

const svc = (code: string) => `/services/${encodeURIComponent(code)}`;

export const getProfile = (api: Api) =>
  api.http.get<CitizenProfile>('/me/profile', undefined, { silent: true });

/** Errors (422 real_name_mismatch, 409 real_name_bound, 400 by pointer) are shown by the page. */
export const bindRealName = (api: Api, input: { name: string; idNumber: string }) =>
  api.http.post<BoundProfile>('/me/real-name', input, { silent: true });

export const updateConsent = (
  api: Api,
  input: { source: string; purpose: ConsentPurpose; granted: boolean },
) => api.http.put<CitizenProfile>('/me/profile/consents', input);

export const listPolicies = (api: Api) =>
  api.http.get<PolicyList>('/me/policies', undefined, { silent: true });

export const getEligibility = (api: Api, serviceCode: string) =>
  api.http.get<Eligibility>(`${svc(serviceCode)}/eligibility`, undefined, { silent: true });

/** Silent: when the pre-review is unavailable the submission goes on (the gateway checks again). */
export const preReview = (api: Api, serviceCode: string, formData: Record<string, unknown>) =>
  api.http.post<PreReview>(`${svc(serviceCode)}/pre-review`, { formData }, { silent: true });

/** A service the recommendation rules picked for the citizen's profile, with why. */
export interface Recommendation {
  serviceCode: string;
  serviceName: string;
  reason: string;
}

export const listRecommendations = (api: Api) =>
  api.http.get<{ items: Recommendation[] }>('/me/recommendations', undefined, { silent: true });

export const listOffers = (api: Api) =>
  api.http.get<{ items: Offer[] }>('/me/offers', undefined, { silent: true });

/** The gateway writes the service's draft with pre-filled values; the apply page restores it. */
export const acceptOffer = (api: Api, id: string) =>
  api.http.post<{ serviceCode: string }>(`/me/offers/${encodeURIComponent(id)}/accept`, {});

/** For a granted (免申即享) offer this also withdraws its case. */
export const declineOffer = (api: Api, id: string, reason?: string) =>
  api.http.post<Offer>(`/me/offers/${encodeURIComponent(id)}/decline`, reason ? { reason } : {});

/** The explanation to print above a 还差 list: nothing when it only repeats that list (「还差：…」). */
export function explanationBeside(e: { eligible: boolean | null; explanation: string; missing: string[] }) {
  return e.eligible === false && e.missing.length > 0 && e.explanation.startsWith('还差')
    ? ''
    : e.explanation;
}

/** The subscribe-message template of 主动服务提醒 (offers and 免申即享), asked for right after 实名认证. */
export const OFFER_TEMPLATES = ['sim-tpl-service-reminder'];

export async function askOfferSubscription(api: Api): Promise<void> {
  const answers = await api.platform.requestSubscribe(OFFER_TEMPLATES);
  await api.http.post('/me/subscriptions', answers, { silent: true });
}
