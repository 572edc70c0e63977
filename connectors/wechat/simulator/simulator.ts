import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import { errorBody } from './errcodes';
import { createFaultRegistry, type SimulatorFault } from './faults';
import { createPhoneState, type PhoneExchange } from './phone';
import { createPushSender, type PushAttempt, type PushResult } from './push-sender';
import { createRequestHandler, type SimulatorStats } from './server';
import { type AccessTokenCheck, createSimulatorState } from './state';
import { createSubscribeState, type DeliveredSubscribeMessage, type SubscribeTemplate } from './subscribe';

export interface WechatSimulatorOptions {
  appId: string;
  appSecret: string;
  /** Login code lifetime. Default 300 s. */
  codeTtlSeconds?: number;
  /** access_token lifetime. Default 7200 s. */
  tokenTtlSeconds?: number;
  /** code2Session calls per openid per minute before 45011. Default 100. */
  loginRatePerMinute?: number;
  /** getuserphonenumber exchanges per minute for the app before 45011. Default 500. */
  phoneRatePerMinute?: number;
  /** subscribeMessage.send calls per Beijing day before 45009. Default 10,000,000 (platforms.md §1.3). */
  subscribeDailyQuota?: number;
  /** The mini-program's original id, `ToUserName` of pushes. Default `gh_5im0123456789`. */
  toUserName?: string;
}

/**
 * An in-process fake of `api.weixin.qq.com` for one mini-program app (platforms.md §1).
 *
 * Wire endpoints: `GET /sns/jscode2session`, `GET /cgi-bin/token`, `POST /cgi-bin/stable_token`,
 * `GET /cgi-bin/getcallbackip`, `POST /cgi-bin/message/subscribe/send`,
 * `POST /wxa/business/getuserphonenumber`. Business errors are HTTP 200 `{errcode, errmsg}`; unknown
 * paths 404.
 *
 * Phone numbers (§1.4): a `getPhoneNumber` code is single-use and lives `codeTtlSeconds` (default 300);
 * unknown, used or expired → 40029; an `openid` sent along must be the code's user (40029); more than
 * `phoneRatePerMinute` exchanges a minute → 45011 (code kept). The answer's `watermark.appid` is the
 * app's appid.
 *
 * Subscribe messages (§1.3): `touser` must be an openid the app knows (login code or consent minted),
 * `template_id` a registered template (defaults: {@link DEFAULT_SUBSCRIBE_TEMPLATES}), `page` a
 * registered page; every template key's value is checked by its type prefix (47003 naming
 * `data.<key>.value`); each send spends one consent of (openid, template), none left → 43101.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/login-code {openid, unionid?}` → `{code, expires_in}` (what `wx.login()` would yield)
 * - `POST /__sandbox/phone-codes {openid, phone, countryCode?='86'}` → `{code, expires_in}` (what
 *   `<button open-type="getPhoneNumber">` would yield); `GET /__sandbox/phone-exchanges?openid=` →
 *   `{exchanges: [{openid, at}]}` (successful exchanges; no numbers)
 * - `POST /__sandbox/templates {templateId, keys: ['thing1', 'time2', …], title?}`; `GET /__sandbox/templates`
 * - `POST /__sandbox/subscriptions {openid, templateId, count?=1}` → `{remaining}` (the citizen accepted
 *   `count` times in wx.requestSubscribeMessage); `GET /__sandbox/subscriptions?openid=&templateId=`
 * - `POST /__sandbox/pages {pages: [...]}` → pages cards may open
 * - `GET /__sandbox/subscribe-messages?touser=` → `{messages}` delivered so far
 * - `POST /__sandbox/push-config {url, token, encodingAesKey?, mode: 'plain'|'compatible'|'safe',
 *   format: 'json'|'xml', timeoutMs?=5000, maxRetries?=3}`
 * - `POST /__sandbox/push {FromUserName, Event?, …fields, _duplicates?}` → `{pushId, delivered, attempts}`:
 *   signs (and encrypts) the message, retries when no HTTP 200 `success`/empty arrives in time, then
 *   re-sends `_duplicates` times; `GET /__sandbox/push-attempts` → `{attempts}`
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
  /**
   * A fresh single-use `getPhoneNumber` code for `openid`'s number (11-digit mainland mobile, or digits
   * with `countryCode`); throws for a malformed number.
   */
  mintPhoneCode(openid: string, phone: string, countryCode?: string): string;
  /** Successful phone-number exchanges so far, optionally of one openid. */
  phoneExchanges(openid?: string): PhoneExchange[];
  /** Move the simulator clock (`Date.now() + offset`) forward. */
  advanceClock(seconds: number): void;
  /** Queue a fault for the next `times` calls to `fault.path`. */
  setFault(fault: SimulatorFault): void;
  clearFaults(): void;
  /** Request counters since start (a copy). */
  stats(): SimulatorStats;
  /** Token check used by token-taking routes: 0 ok, 42001 expired, 40001 superseded, 40014 unknown. */
  checkAccessToken(token: string): AccessTokenCheck;
  /** Register (or replace) a subscribe-message template. */
  addTemplate(template: { templateId: string; keys: string[]; title?: string }): SubscribeTemplate;
  /** The citizen accepted `count` (default 1) more messages of `templateId`; returns what is left. */
  addSubscription(openid: string, templateId: string, count?: number): number;
  /** Consents left for (openid, template). */
  remainingSubscriptions(openid: string, templateId: string): number;
  /** Pages subscribe-message cards may open, besides the defaults. */
  addPages(pages: string[]): void;
  /** Subscribe messages delivered so far, optionally to one openid. */
  subscribeMessages(touser?: string): DeliveredSubscribeMessage[];
  /** Same as `POST /__sandbox/push-config`; throws on an invalid configuration. */
  configurePush(config: Record<string, unknown>): void;
  /** Same as `POST /__sandbox/push`. */
  push(fields: Record<string, unknown>): Promise<PushResult>;
  /** Every push attempt so far (most recent 1000). */
  pushAttempts(): PushAttempt[];
  /**
   * Test-only chaos (same body as `PUT /__sandbox/chaos`; `null` turns it off): errors answer errcode
   * −1 (HTTP 200); `/cgi-bin/token` and `/cgi-bin/stable_token` are spared unless listed; pushes get
   * duplicates and random holds.
   */
  chaos(options: Partial<ChaosSettings> | null): void;
  readonly chaosControl: SimulatorChaos;
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
  const subscribe = createSubscribeState({
    now: state.now,
    dailyQuota: opts.subscribeDailyQuota ?? 10_000_000,
  });
  const phone = createPhoneState({
    appId: opts.appId,
    now: state.now,
    codeTtlSeconds,
    ratePerMinute: opts.phoneRatePerMinute ?? 500,
  });
  const timers = new Set<NodeJS.Timeout>();
  const chaos = createSimulatorChaos(
    {
      errorAnswer: () => ({ status: 200, body: errorBody(-1) }),
      sparedPaths: ['/cgi-bin/token', '/cgi-bin/stable_token'],
    },
    timers,
  );
  const push = createPushSender({
    chaos,
    appId: opts.appId,
    toUserName: opts.toUserName ?? 'gh_5im0123456789',
    now: state.now,
  });
  const faults = createFaultRegistry();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const listener = createSimulatorListener(
    'WeChat',
    createRequestHandler({ state, subscribe, phone, push, faults, stats, codeTtlSeconds, timers }),
    timers,
    chaos,
  );

  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    mintLoginCode: (openid, unionid) => {
      subscribe.knowOpenid(openid);
      return state.mintLoginCode(openid, unionid);
    },
    mintPhoneCode: (openid, number, countryCode) => phone.mint({ openid, phone: number, countryCode }),
    phoneExchanges: (openid) => phone.exchanges(openid),
    advanceClock: (seconds) => state.advanceClock(seconds),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    checkAccessToken: (token) => state.checkAccessToken(token),
    addTemplate: (template) => subscribe.addTemplate(template),
    addSubscription: (openid, templateId, count = 1) =>
      subscribe.addSubscription({ openid, templateId, count }).remaining,
    remainingSubscriptions: (openid, templateId) => subscribe.remaining(openid, templateId),
    addPages: (pages) => {
      subscribe.addPages({ pages });
    },
    subscribeMessages: (touser) => subscribe.delivered(touser),
    configurePush: (config) => {
      push.configure(config);
    },
    push: (fields) => push.push(fields),
    pushAttempts: () => push.attempts(),
    chaos: (options) => {
      if (options === null) chaos.clear();
      else chaos.set(options);
    },
    chaosControl: chaos,
  };
}
