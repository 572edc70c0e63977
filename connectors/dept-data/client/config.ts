/** How a client retries calls that may succeed later (errcode −1, transport failures). */
export interface DeptRetryPolicy {
  /** Tries in all, the first included. Default 3. */
  attempts: number;
  /** Wait before the second try; doubled each time, with ±50 % jitter. Default 200 ms. */
  baseDelayMs: number;
  /** Cap of one wait. Default 5000 ms. */
  maxDelayMs: number;
}

/** Settings of one app at one department source. `appSecret` is a credential: keep it out of logs. */
export interface DeptClientConfig {
  appKey: string;
  appSecret: string;
  /** API origin: the department's gateway or a simulator URL. */
  apiBase: string;
  /** Per-request timeout. Default {@link DEFAULT_DEPT_TIMEOUT_MS}. */
  timeoutMs?: number;
  retry?: Partial<DeptRetryPolicy>;
}

export const DEFAULT_DEPT_TIMEOUT_MS = 5000;
export const DEFAULT_DEPT_RETRY: DeptRetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5000 };
