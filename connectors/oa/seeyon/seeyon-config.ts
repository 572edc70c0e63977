/**
 * Settings for one Seeyon A8/A8+ (致远) server (platforms.md §4.2). The REST user is created in the A8
 * admin console with an IP allow-list; `restPassword` is a credential: keep it out of logs.
 */
export interface SeeyonConfig {
  /** Origin of the A8 server (or a simulator URL); paths start with `/seeyon/rest`. */
  baseUrl: string;
  restUser: string;
  restPassword: string;
  /** The form's main table (`formmain_NNNN`) per template code. */
  forms: Record<string, string>;
  /** OA login name that reads flow states. */
  serviceLoginName: string;
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
}
