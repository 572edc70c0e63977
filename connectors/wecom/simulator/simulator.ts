import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import {
  type CallbackAttempt,
  type CallbackPushOptions,
  type CallbackPushResult,
  type CallbackTarget,
  type CallbackVerifyResult,
  createCallbackSender,
} from './callback-sender';
import { errorBody } from './errcodes';
import { createFaultRegistry, type WecomSimulatorFault } from './faults';
import { createMessageBox, type MessageBox, type MessageLimits } from './messages';
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
  /** The app's agentid that `message/send` must carry. Default 1000002. */
  agentId?: number;
  /** tagid → userids for `totag`. Default none (every tag is invalid). */
  tags?: Record<string, string[]>;
  /** Members without a licence (`unlicenseduser`). Default none. */
  unlicensedUserIds?: string[];
  /** Per-member message limits. Default 30/min and 1000/h (platforms.md §3.3); excess is dropped. */
  messageLimits?: Partial<MessageLimits>;
  /** Callback push timing; defaults from platforms.md §3.5 (5 s, 3 retries, verify within 1 s). */
  callbacks?: { timeoutMs?: number; verifyTimeoutMs?: number; maxRetries?: number; retryDelayMs?: number };
}

/**
 * An in-process fake of `qyapi.weixin.qq.com` for one app of one corp (platforms.md §3).
 *
 * Wire endpoints: `GET /cgi-bin/gettoken`, `GET /cgi-bin/auth/getuserinfo`, `GET /cgi-bin/department/list`,
 * `GET /cgi-bin/user/list`, `GET /cgi-bin/user/simplelist`, `GET /cgi-bin/user/get`,
 * `POST /cgi-bin/user/list_id`, `POST /cgi-bin/message/send` (text, textcard, news, markdown). Answers are
 * HTTP 200 `{errcode, errmsg, …}`; unknown paths HTTP 404.
 *
 * It also acts as WeCom's callback sender: it pushes encrypted events to a configured URL (GET URL
 * verification, POST `<xml><Encrypt/>…</xml>`), retrying up to 3 times when the receiver does not
 * answer 200 within 5 s.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/auth-code {userid, scope?}` or `{openid, external_userid?}` → `{code, expires_in}`
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path, errcode?, latencyMs?, drop?, times?}`; `DELETE /__sandbox/faults`
 * - `GET /__sandbox/org`; `PUT /__sandbox/org {departments, users}` (replaces the org)
 * - `GET /__sandbox/messages?touser=` → `{messages, dropped, duplicatesSuppressed}`; `DELETE /__sandbox/messages`
 * - `POST /__sandbox/callback-url {url, token, encodingAesKey}` → `{ok}` (receiveId = corpId)
 * - `POST /__sandbox/callbacks/verify` → `{ok, status, outcome, latencyMs}` (performs the GET verification)
 * - `POST /__sandbox/events {FromUserName, MsgType?, Event?, …fields, duplicate?, delayMs?, wait?}` →
 *   `{pushId, deliveries}` once delivered (or `{queued: true}` with `wait: false`)
 * - `GET /__sandbox/callbacks/attempts?pushId=` → `{attempts}`; `DELETE /__sandbox/callbacks/attempts`
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
  /** What `message/send` delivered (to `touser` when given), dropped, and suppressed as duplicates. */
  messages(touser?: string): ReturnType<MessageBox['list']>;
  /** Where callbacks go; throws on a bad URL, token or key. */
  setCallbackTarget(target: CallbackTarget): void;
  /** Perform the GET URL verification against the configured receiver. */
  verifyCallbackUrl(): Promise<CallbackVerifyResult>;
  /** Push one encrypted message/event (see `POST /__sandbox/events`). */
  pushEvent(
    fields: Record<string, string | number>,
    options?: CallbackPushOptions,
  ): Promise<CallbackPushResult>;
  /** Recorded callback attempts, oldest first. */
  callbackAttempts(pushId?: number): CallbackAttempt[];
  /**
   * Test-only chaos (same body as `PUT /__sandbox/chaos`; `null` turns it off): errors answer errcode
   * −1 "system busy" (HTTP 200), `/cgi-bin/gettoken` is spared unless listed; pushes get duplicates
   * and random holds.
   */
  chaos(options: Partial<ChaosSettings> | null): void;
  readonly chaosControl: SimulatorChaos;
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
  const agentId = opts.agentId ?? 1000002;
  const messages = createMessageBox({
    agentId,
    now: state.now,
    org: () => state.getOrg(),
    tags: structuredClone(opts.tags ?? {}),
    unlicensedUserIds: opts.unlicensedUserIds ?? [],
    limits: { perMemberPerMinute: 30, perMemberPerHour: 1000, ...opts.messageLimits },
  });
  const chaos = createSimulatorChaos(
    { errorAnswer: () => ({ status: 200, body: errorBody(-1) }), sparedPaths: ['/cgi-bin/gettoken'] },
    timers,
  );
  const callbacks = createCallbackSender({
    chaos,
    corpId: opts.corpId,
    agentId,
    now: state.now,
    timeoutMs: opts.callbacks?.timeoutMs ?? 5000,
    verifyTimeoutMs: opts.callbacks?.verifyTimeoutMs ?? 1000,
    maxRetries: opts.callbacks?.maxRetries ?? 3,
    retryDelayMs: opts.callbacks?.retryDelayMs ?? 1000,
  });
  const listener = createSimulatorListener(
    'WeCom',
    createRequestHandler({ state, faults, stats, limits, codeTtlSeconds, timers, messages, callbacks }),
    timers,
    chaos,
  );

  return {
    listen: listener.listen,
    close: () => {
      callbacks.close();
      return listener.close();
    },
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
    messages: (touser) => messages.list(touser),
    setCallbackTarget: (target) => callbacks.configure(target),
    verifyCallbackUrl: () => callbacks.verify(),
    pushEvent: (fields, options) => callbacks.push(fields, options),
    callbackAttempts: (pushId) => callbacks.attempts(pushId),
    chaos: (options) => {
      if (options === null) chaos.clear();
      else chaos.set(options);
    },
    chaosControl: chaos,
  };
}
