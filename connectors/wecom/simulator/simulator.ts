import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import { createFaultRegistry, type WecomSimulatorFault } from './faults';
import type { WecomOrgFixture } from './org';
import { createRequestHandler, type RateLimits, type SimulatorStats } from './server';
import { createWecomState } from './state';

export interface WecomSimulatorOptions {
  corpId: string;
  corpSecret: string;
  /** access_token lifetime. Default 7200 s (platforms.md §3.1). */
  tokenTtlSeconds?: number;
  /** OAuth code lifetime. Default 300 s (platforms.md §3.2). */
  codeTtlSeconds?: number;
  /** Corp to serve. Default {@link DEMO_WECOM_ORG}. */
  org?: WecomOrgFixture;
  /** Default 10000 calls per minute per API ([BG] path/90312 "每企业调用单个cgi/api不可超过1万次/分"). */
  rateLimits?: Partial<RateLimits>;
}

/**
 * An in-process fake of `qyapi.weixin.qq.com` for one app of one corp (platforms.md §3).
 *
 * Wire endpoints: `GET /cgi-bin/gettoken`, `GET /cgi-bin/auth/getuserinfo`, `GET /cgi-bin/department/list`,
 * `GET /cgi-bin/user/list`, `GET /cgi-bin/user/simplelist`, `GET /cgi-bin/user/get`,
 * `POST /cgi-bin/user/list_id`. Answers are HTTP 200 `{errcode, errmsg, …}`; unknown paths HTTP 404.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/auth-code {userid, scope?}` or `{openid, external_userid?}` → `{code, expires_in}`
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path, errcode?, latencyMs?, drop?, times?}`; `DELETE /__sandbox/faults`
 * - `GET /__sandbox/org`; `PUT /__sandbox/org {departments, users}` (replaces the org)
 */
export interface WecomSimulator {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections and delayed answers. */
  close(): Promise<void>;
  /** Base URL; throws before {@link WecomSimulator.listen} resolved. */
  readonly url: string;
  /** A fresh single-use code for a member (throws for an unknown userid). */
  mintAuthCode(userid: string, scope?: 'snsapi_base' | 'snsapi_privateinfo'): string;
  /** A fresh single-use code for a non-member: getuserinfo answers `openid` (and `external_userid`). */
  mintNonMemberCode(openid: string, externalUserid?: string): string;
  /** Move the simulator clock (`Date.now() + offset`) forward. */
  advanceClock(seconds: number): void;
  /** Replace the corp's org; throws when the fixture is inconsistent. */
  setOrg(org: WecomOrgFixture): void;
  getOrg(): WecomOrgFixture;
  /** Invalidate every issued token at once (WeCom may do so early): the next call answers 40014. */
  revokeAccessTokens(): void;
  /** Queue a fault for the next `times` calls to `fault.path`. */
  setFault(fault: WecomSimulatorFault): void;
  clearFaults(): void;
  /** Request counters since start (a copy). */
  stats(): SimulatorStats;
  /** 0 ok, 41001 missing, 40014 unknown or revoked, 42001 expired. */
  checkAccessToken(token: string): 0 | 41001 | 40014 | 42001;
}

export function createWecomSimulator(opts: WecomSimulatorOptions): WecomSimulator {
  const codeTtlSeconds = opts.codeTtlSeconds ?? 300;
  const state = createWecomState({
    corpId: opts.corpId,
    corpSecret: opts.corpSecret,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    codeTtlSeconds,
    ...(opts.org ? { org: opts.org } : {}),
  });
  const faults = createFaultRegistry<WecomSimulatorFault>();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();
  const limits: RateLimits = { callsPerMinute: 10_000, ...opts.rateLimits };
  const listener = createSimulatorListener(
    'WeCom',
    createRequestHandler({ state, faults, stats, limits, codeTtlSeconds, timers }),
    timers,
  );

  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    mintAuthCode: (userid, scope) => state.mintAuthCode(userid, scope),
    mintNonMemberCode: (openid, externalUserid) => state.mintNonMemberCode(openid, externalUserid),
    advanceClock: (seconds) => state.advanceClock(seconds),
    setOrg: (org) => state.setOrg(org),
    getOrg: () => state.getOrg(),
    revokeAccessTokens: () => state.revokeAccessTokens(),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    checkAccessToken: (token) => state.checkAccessToken(token),
  };
}
