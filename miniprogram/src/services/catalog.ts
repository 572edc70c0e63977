import type { Api } from './api';
import type { FormDefinition, Page, ServiceDetail, ServiceSummary } from './types';

export function searchServices(
  api: Api,
  filter: { q?: string; lifeEvent?: string; department?: string } = {},
): Promise<Page<ServiceSummary>> {
  return api.http.get('/services', filter, { auth: false });
}

export function getService(api: Api, code: string): Promise<ServiceDetail> {
  return api.http.get(`/services/${encodeURIComponent(code)}`, undefined, { auth: false });
}

export function getFormVersion(api: Api, id: string, version: number): Promise<FormDefinition> {
  return api.http.get(`/forms/${encodeURIComponent(id)}/versions/${version}`, undefined, { auth: false });
}

export function getPrefill(
  api: Api,
  code: string,
): Promise<{ form: { id: string; version: number }; formData: Record<string, unknown> }> {
  return api.http.get(`/services/${encodeURIComponent(code)}/prefill`, undefined, { silent: true });
}

export function getRegions(api: Api, parent?: string): Promise<{ items: { code: string; name: string }[] }> {
  return api.http.get('/regions', { parent }, { auth: false });
}

/** Life events shown on the home page, in the order citizens meet them (浙里办 / 随申办 style). */
export const LIFE_EVENTS: { code: string; label: string }[] = [
  { code: 'birth', label: '生育' },
  { code: 'education', label: '上学' },
  { code: 'employment', label: '就业' },
  { code: 'marriage', label: '婚姻' },
  { code: 'housing', label: '住房' },
  { code: 'relocation', label: '迁居' },
  { code: 'business-start', label: '开办企业' },
  { code: 'retirement', label: '退休' },
  { code: 'social-assistance', label: '社会救助' },
];
