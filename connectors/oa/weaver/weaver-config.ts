/**
 * Settings for one Weaver e-cology 9 (泛微 E9) server (platforms.md §4.1). The APPID must be registered
 * in `ECOLOGY_BIZ_EC`, the auth URLs listed in `weaver_session_filter.properties` and the gateway IP
 * whitelisted. `appid` is a credential: keep it out of logs.
 */
export interface WeaverConfig {
  /** Origin of the E9 server (or a simulator URL). */
  baseUrl: string;
  appid: string;
  /** Token lifetime asked for with `applytoken` (`time`). Default 3600 s. */
  tokenTtlSeconds?: number;
  /** E9 user id (HrmResource id) for an OA login name; default: the login name is the id. */
  userIdOf?: (initiator: string) => string;
  /** User that reads request states (needs view rights on the workflows). */
  serviceUserId: string;
  /** Main-form file field that receives attachments as `[{filePath, fileName}]`; without it, cases with attachments are refused. */
  attachmentField?: string;
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
}
