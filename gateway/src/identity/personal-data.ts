import type { PersonalDataSource } from '../rights/personal-data-source';
import type { IdentityRepository } from './identity.repository';
import type { PhoneBinding } from './phone.service';

/**
 * The citizen's account: their WeChat identifiers and sign-in records. On deletion every sign-in
 * (refresh token) goes; the account row itself stays as the key the citizen signs in with to follow
 * their requests and reach their retained case records.
 */
export function accountPersonalData(repo: IdentityRepository, now = Date.now): PersonalDataSource {
  return {
    name: 'account',
    title: '账号信息',
    export: async (citizenId) => {
      const account = await repo.account(citizenId, now());
      if (!account) return null;
      const { row } = account;
      return {
        id: row.id,
        wechatAppId: row.app_id,
        openid: row.openid,
        unionid: row.unionid,
        createdAt: new Date(Number(row.created_at)).toISOString(),
        lastLoginAt: new Date(Number(row.last_login_at)).toISOString(),
        activeSignIns: account.activeSignIns,
      };
    },
    erase: async (citizenId) => ({
      deleted: await repo.deleteRefreshTokens(citizenId),
      retained: {
        count: 1,
        basis: '账号标识用于您登录查看申请进度及依法保存的办件记录',
        processing: '仅用于登录和身份核验',
      },
    }),
  };
}

/**
 * The bound phone number: exported in clear (the citizen's own copy, like their form data), with how
 * and when it was verified; deleted on request together with any pending SMS code.
 */
export function phonePersonalData(phone: PhoneBinding): PersonalDataSource {
  return {
    name: 'phone',
    title: '绑定的手机号',
    export: (citizenId) => phone.exportOwn(citizenId),
    erase: async (citizenId) => ({ deleted: await phone.erase(citizenId) }),
  };
}
