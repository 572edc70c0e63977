/**
 * Identity: citizen accounts keyed by WeChat openid, sessions (ES256 access tokens + rotating
 * refresh-token families), the middleware that authenticates a request, and the citizen's bound phone
 * number (绑定手机号, {@link PhoneBinding}: `phoneOf` / `hasBoundPhone` for other contexts). Other
 * contexts use only what this file exports.
 */
export { type AccessClaims, AccessTokens } from './access-tokens';
export {
  authenticateCitizen,
  authenticateStaff,
  type CitizenPrincipal,
  type StaffPrincipal,
} from './authenticate';
export { identityMigrations } from './identity.migrations';
export { IdentityRepository } from './identity.repository';
export { identityRoutes } from './identity.routes';
export { IdentityService, type SessionTokens, type WechatLogin } from './identity.service';
export { grants, PERMISSIONS, type Permission, ROLE_PERMISSIONS, requirePermission } from './permissions';
export { phoneErrors } from './phone.errors';
export { phoneMigrations } from './phone.migrations';
export { phoneRoutes } from './phone.routes';
export {
  type AuditAppend,
  createPhoneBinding,
  type MeView,
  PhoneBinding,
  type WechatPhoneSource,
} from './phone.service';
export { rotatePhoneNumbers } from './phone-rotation';
export { DEFAULT_SMS_CODE_TEMPLATE, type SentCode, type SmsCodeTemplate } from './phone-sms-codes';
export { loadSigningKeys, type SigningKeys } from './signing-keys';
export { AdminLogin } from './staff/admin-login';
export { passwordProblem } from './staff/passwords';
export { staffAuthMigrations } from './staff/staff-auth.migrations';
export { staffAuthRoutes } from './staff/staff-auth.routes';
export { DEFAULT_SESSION_POLICY, type SessionPolicy, StaffSessions } from './staff/staff-sessions';
export { type StaffOfIdentity, type StaffSsoProvider, staffSsoRoutes } from './staff/staff-sso.routes';
export { staffSandboxRoutes } from './staff-sandbox.routes';
