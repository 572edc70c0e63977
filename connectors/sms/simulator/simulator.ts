import { randomUUID } from 'node:crypto';
import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats, type SimulatorStats } from '../../core/simulator/request-stats';
import { createSmsFaultRegistry, createSmsRequestHandler, type SmsSimulatorFault } from './server';
import { createSmsState, type SmsFlowLimits } from './state';

export interface SmsSimulatorOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** Per (number, sign name). Default 1/min, 5/h, 10/day (Aliyun's default flow control). */
  limits?: Partial<SmsFlowLimits>;
  /** Seconds until the receipt (QuerySendDetails SendStatus 1 → 3, or 2 for undeliverable numbers). Default 2. */
  deliverySeconds?: number;
}

/**
 * An in-process fake of Aliyun Dysmsapi 2017-05-25 (`dysmsapi.aliyuncs.com`), RPC style: `GET` or
 * form-encoded `POST` to `/` with `Action=SendSms` or `Action=QuerySendDetails`.
 *
 * Checks, in order: AccessKeyId (`InvalidAccessKeyId.NotFound`, HTTP 404), Timestamp format and
 * ±15 min skew (`InvalidTimeStamp.*`), the HMAC-SHA1 signature (`SignatureDoesNotMatch`), nonce reuse
 * within 15 min (`SignatureNonceUsed`), then the business checks answered HTTP 200 with an `isv.*`
 * Code: numbers, sign name, template, TemplateParam JSON and variables, balance, per-number flow
 * control (`isv.BUSINESS_LIMIT_CONTROL`). Error messages never echo request values.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/templates {templateCode, content}` (`${name}` marks a variable; defaults:
 *   SMS_CASE_ACCEPTED, SMS_CASE_CORRECTION, SMS_CASE_CLOSED, SMS_RATING_INVITE, SMS_VERIFY_CODE)
 * - `POST /__sandbox/sign-names {signName}` (default `政务服务中心`)
 * - `POST /__sandbox/undeliverable {phone, errCode?}`: later sends to it fail in the receipt
 * - `POST /__sandbox/balance {messages}`: messages left before `isv.AMOUNT_NOT_ENOUGH`
 * - `GET /__sandbox/sms?phone=` → `{messages}` recorded (with their current SendStatus)
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path: '/SendSms'|'/QuerySendDetails', code?, latencyMs?, drop?, times?}`;
 *   `DELETE /__sandbox/faults`
 * - `PUT|GET|DELETE /__sandbox/chaos`: random errors answer HTTP 503 `ServiceUnavailable` (Aliyun's
 *   retryable RPC error), plus latency, timeouts, resets and lost replies (all on path `/`)
 */
export interface SmsSimulator {
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
  /** The simulator clock, ms (sign requests with it after {@link SmsSimulator.advanceClock}). */
  now(): number;
  advanceClock(seconds: number): void;
  setFault(fault: SmsSimulatorFault): void;
  clearFaults(): void;
  stats(): SimulatorStats;
  /** Recorded messages, optionally to one number. */
  messages(phone?: string): ReturnType<ReturnType<typeof createSmsState>['records']>;
  /** Test-only chaos (same body as `PUT /__sandbox/chaos`); `null` turns it off. */
  chaos(options: Partial<ChaosSettings> | null): void;
  readonly chaosControl: SimulatorChaos;
}

export function createSmsSimulator(opts: SmsSimulatorOptions): SmsSimulator {
  const state = createSmsState({
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
    limits: { perMinute: 1, perHour: 5, perDay: 10, ...opts.limits },
    deliverySeconds: opts.deliverySeconds ?? 2,
  });
  const faults = createSmsFaultRegistry();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();
  const chaos = createSimulatorChaos(
    {
      errorAnswer: () => ({
        status: 503,
        body: {
          RequestId: randomUUID().toUpperCase(),
          Code: 'ServiceUnavailable',
          Message: 'The request has failed due to a temporary failure of the server.',
        },
      }),
    },
    timers,
  );
  const listener = createSimulatorListener(
    'SMS',
    createSmsRequestHandler({ state, faults, stats, timers }),
    timers,
    chaos,
  );
  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    now: state.now,
    advanceClock: (seconds) => state.advanceClock(seconds),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    messages: (phone) => state.records(phone),
    chaos: (options) => {
      if (options === null) chaos.clear();
      else chaos.set(options);
    },
    chaosControl: chaos,
  };
}
