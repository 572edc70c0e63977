import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import { createFaultRegistry, type SimulatorFault } from './faults';
import { createRequestHandler, type SimulatorStats } from './server';
import { type AccessTokenCheck, createSimulatorState } from './state';

export interface WechatSimulatorOptions {
  appId: string;
  appSecret: string;
  /** Login code lifetime. Default 300 s. */
  codeTtlSeconds?: number;
  /** access_token lifetime. Default 7200 s. */
  tokenTtlSeconds?: number;
  /** code2Session calls per openid per minute before 45011. Default 100. */
  loginRatePerMinute?: number;
}

/**
 * An in-process fake of `api.weixin.qq.com` for one mini-program app (platforms.md §1).
 *
 * Wire endpoints: `GET /sns/jscode2session`, `GET /cgi-bin/token`, `POST /cgi-bin/stable_token`,
 * `GET /cgi-bin/getcallbackip`. Business errors are HTTP 200 `{errcode, errmsg}`; unknown paths 404.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/login-code {openid, unionid?}` → `{code, expires_in}` (what `wx.login()` would yield)
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path, errcode?, latencyMs?, drop?, times?}`; `DELETE /__sandbox/faults`
 *
 * Bodies over 64 KiB and malformed JSON get HTTP 400.
 */
export interface WechatSimulator {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections and delayed answers. */
  close(): Promise<void>;
  /** Base URL; throws before {@link WechatSimulator.listen} resolved. */
  readonly url: string;
  /** A fresh single-use login code for `openid` (unionid is returned only when given here). */
  mintLoginCode(openid: string, unionid?: string): string;
  /** Move the simulator clock (`Date.now() + offset`) forward. */
  advanceClock(seconds: number): void;
  /** Queue a fault for the next `times` calls to `fault.path`. */
  setFault(fault: SimulatorFault): void;
  clearFaults(): void;
  /** Request counters since start (a copy). */
  stats(): SimulatorStats;
  /** Token check used by token-taking routes: 0 ok, 42001 expired, 40001 superseded, 40014 unknown. */
  checkAccessToken(token: string): AccessTokenCheck;
}

export function createWechatSimulator(opts: WechatSimulatorOptions): WechatSimulator {
  const codeTtlSeconds = opts.codeTtlSeconds ?? 300;
  const state = createSimulatorState({
    appId: opts.appId,
    appSecret: opts.appSecret,
    codeTtlSeconds,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    loginRatePerMinute: opts.loginRatePerMinute ?? 100,
  });
  const faults = createFaultRegistry();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();
  const listener = createSimulatorListener(
    'WeChat',
    createRequestHandler({ state, faults, stats, codeTtlSeconds, timers }),
    timers,
  );

  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    mintLoginCode: (openid, unionid) => state.mintLoginCode(openid, unionid),
    advanceClock: (seconds) => state.advanceClock(seconds),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    checkAccessToken: (token) => state.checkAccessToken(token),
  };
}
