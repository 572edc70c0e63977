/**
 * Settings for one in-house OA speaking the generic G-CRM protocol (`generic/client.ts`). `secret` is
 * the HMAC-SM3 key shared with that OA (the same for requests and callbacks): keep it out of logs.
 */
export interface GenericOaConfig {
  /** Short name; the connector's system is `generic:<name>` and callbacks arrive at `/callbacks/oa/generic:<name>`. */
  name: string;
  /** Base URL including any path prefix, e.g. `https://oa.example.gov.cn/api/gcrm`. */
  baseUrl: string;
  secret: string;
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
}
