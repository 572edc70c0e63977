import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import { createFaultRegistry, type DingtalkSimulatorFault } from './faults';
import type { DingtalkOrgFixture } from './org';
import { createRequestHandler, type RateLimits, type SimulatorStats } from './server';
import { createDingtalkState } from './state';

export interface DingtalkSimulatorOptions {
  appKey: string;
  appSecret: string;
  /** access_token lifetime. Default 7200 s (platforms.md §2.2). */
  tokenTtlSeconds?: number;
  /** authCode lifetime. Default 300 s (platforms.md §2.3 "~5 min" [BG]). */
  codeTtlSeconds?: number;
  /** Org to serve. Default {@link DEMO_DINGTALK_ORG}. */
  org?: DingtalkOrgFixture;
  /** Flow control (platforms.md §2.7). Default 20/s per app and API, 1000/s per API overall. */
  rateLimits?: Partial<RateLimits>;
}

/**
 * An in-process fake of `oapi.dingtalk.com` for one internal app (platforms.md §2).
 *
 * Wire endpoints: `GET /gettoken`, `POST /topapi/v2/user/getuserinfo`, `POST /topapi/v2/user/get`,
 * `POST /topapi/v2/user/list`, `POST /topapi/user/listid`, `POST /topapi/v2/department/listsub`,
 * `POST /topapi/v2/department/get`. Answers are HTTP 200 `{errcode, errmsg, request_id, …}`; a bad token
 * is errcode 88 with sub_code 40014; unknown `/topapi/*` methods errcode 22; other paths HTTP 404.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/auth-code {userid}` → `{code, expires_in}` (what `dd.requestAuthCode` would yield)
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path, errcode?, subCode?, latencyMs?, drop?, x5?, times?}`; `DELETE /__sandbox/faults`
 * - `GET /__sandbox/org`; `PUT /__sandbox/org {departments, users}` (replaces the org)
 */
export interface DingtalkSimulator {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections and delayed answers. */
  close(): Promise<void>;
  /** Base URL; throws before {@link DingtalkSimulator.listen} resolved. */
  readonly url: string;
  /** A fresh single-use authCode for a member of the org (throws for an unknown userid). */
  mintAuthCode(userid: string): string;
  /** Move the simulator clock (`Date.now() + offset`) forward. */
  advanceClock(seconds: number): void;
  /** Replace the org; throws when the fixture is inconsistent (unknown parent, cycle, unknown leader…). */
  setOrg(org: DingtalkOrgFixture): void;
  /** A copy of the current org. */
  getOrg(): DingtalkOrgFixture;
  /** Invalidate the issued access token at once (the next API call answers 88/40014). */
  revokeAccessToken(): void;
  /** Queue a fault for the next `times` calls to `fault.path`. */
  setFault(fault: DingtalkSimulatorFault): void;
  clearFaults(): void;
  /** Request counters since start (a copy). */
  stats(): SimulatorStats;
  /** True when `token` would be accepted by a topapi call now. */
  isAccessTokenValid(token: string): boolean;
}

export function createDingtalkSimulator(opts: DingtalkSimulatorOptions): DingtalkSimulator {
  const codeTtlSeconds = opts.codeTtlSeconds ?? 300;
  const state = createDingtalkState({
    appKey: opts.appKey,
    appSecret: opts.appSecret,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    codeTtlSeconds,
    ...(opts.org ? { org: opts.org } : {}),
  });
  const faults = createFaultRegistry<DingtalkSimulatorFault>();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();
  const limits: RateLimits = { appQps: 20, globalQps: 1000, ...opts.rateLimits };
  const listener = createSimulatorListener(
    'DingTalk',
    createRequestHandler({ state, faults, stats, limits, codeTtlSeconds, timers }),
    timers,
  );

  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    mintAuthCode: (userid) => state.mintAuthCode(userid),
    advanceClock: (seconds) => state.advanceClock(seconds),
    setOrg: (org) => state.setOrg(org),
    getOrg: () => state.getOrg(),
    revokeAccessToken: () => state.revokeAccessToken(),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    isAccessTokenValid: (token) => state.checkAccessToken(token) === 0,
  };
}
