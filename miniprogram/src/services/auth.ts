import type { Api } from './api';
import type { Tokens } from './session';

/** Citizen sign-in: the platform's proof (wx.login code, or the sandbox in the browser) → gateway session. */
export async function signInCitizen(api: Api): Promise<void> {
  const proof = await api.platform.citizenProof();
  const tokens =
    proof.kind === 'wechat'
      ? await api.http.post<Tokens>('/auth/wechat', { code: proof.code }, { auth: false })
      : await api.http.post<Tokens>('/auth/sandbox', { openid: proof.openid }, { auth: false });
  api.citizen.save(tokens);
}

export async function signOutCitizen(api: Api): Promise<void> {
  api.citizen.clear();
}

/** Staff sign-in: 免登 inside DingTalk / WeCom, a sandbox staff id elsewhere (not in production). */
export async function signInStaff(api: Api, staffId?: string): Promise<void> {
  const proof = await api.platform.staffProof(staffId);
  const tokens =
    proof.kind === 'dingtalk'
      ? await api.staffHttp.post<Tokens>('/auth/dingtalk', { authCode: proof.authCode }, { auth: false })
      : proof.kind === 'wecom'
        ? await api.staffHttp.post<Tokens>('/auth/wecom', { code: proof.code }, { auth: false })
        : await api.staffHttp.post<Tokens>(
            '/auth/staff/sandbox',
            { staffId: proof.staffId },
            { auth: false },
          );
  api.staff.save(tokens);
}

/** Demo staff of 临江市 (config/org/demo-org.json) offered by the browser sandbox sign-in. */
export const SANDBOX_STAFF = [
  { id: 'st-hrss-clerk-1', name: '徐丽（人社局 窗口受理）' },
  { id: 'st-health-clerk-1', name: '卫健委 窗口受理' },
  { id: 'st-ps-clerk-1', name: '公安局 窗口受理' },
  { id: 'st-amr-clerk-1', name: '市场监管局 窗口受理' },
  { id: 'st-admin-service-head', name: '行政审批局 负责人' },
];
