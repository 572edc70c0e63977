import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import type { SimulatorFault } from '../../core/simulator/faults';
import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats, type SimulatorStats } from '../../core/simulator/request-stats';
import { BadRequest } from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import { errorBody } from '../errcodes';
import { isIdNumber } from '../id-number';
import { createPopulation, type Population } from '../population/population';
import type { DeptRecordMap } from '../records';
import { DEPT_SOURCES, type DeptSourceKey, type DeptSourceSpec } from '../sources';
import { type ChangeEvent, createChangeFeed } from './change-feed';
import { createRecordStore } from './record-store';
import { createDeptFaultRegistry, createDeptRequestHandler } from './server';
import { createTokenIssuer, type DeptApp } from './tokens';

/** The app every simulator accepts unless `apps` is given. */
export const DEMO_DEPT_APP: DeptApp = { appKey: 'gcrm-demo', appSecret: 'gcrm-demo-secret' };

export interface DeptSimulatorOptions {
  /** Apps that may fetch tokens. Default [{@link DEMO_DEPT_APP}]. */
  apps?: DeptApp[];
  /** The people the source knows. Default `createPopulation()` (seed 1, 1000 persons); null = nobody. */
  population?: Population | null;
  /** Access-token lifetime. Default 7200 s. */
  tokenTtlSeconds?: number;
  /** Data calls per app per minute (sliding window, simulator clock) before errcode 45009. Default 600. */
  rateLimitPerMinute?: number;
}

/** A change to record: `occurredAt` defaults to today (simulator clock, Beijing), `data` to `{}`. */
export interface ChangeInput {
  type: string;
  idNumbers: string[];
  occurredAt?: string;
  data?: Record<string, unknown>;
}

/**
 * An in-process fake of one department's data-sharing API (see README.md): token, pull by ID number,
 * batch pull, change feed (except 人社), with sandbox endpoints under `/__sandbox/` that no real source
 * has, and the shared chaos control `PUT|GET|DELETE /__sandbox/chaos` (errors answer errcode −1 with
 * HTTP 200; `/v1/token` is spared unless listed).
 */
export interface DeptSimulator<S extends DeptSourceKey = DeptSourceKey> {
  readonly source: DeptSourceSpec;
  readonly population: Population | null;
  /** Start listening (port 0 = any free port); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Base URL; throws before {@link DeptSimulator.listen} resolved. */
  readonly url: string;
  /** The source's current record of a person (sandbox edits included), or undefined. */
  record(idNumber: string): DeptRecordMap[S] | undefined;
  /** Replace a person's record (as `PUT /__sandbox/records`), optionally recording a change. */
  putRecord(
    idNumber: string,
    record: DeptRecordMap[S],
    change?: Omit<ChangeInput, 'idNumbers'>,
  ): ChangeEvent | null;
  /** Forget a person: pulls answer 44004 from now on. */
  removeRecord(idNumber: string): void;
  /** Append to the change feed (as `POST /__sandbox/changes`); throws for 人社 or a bad change. */
  emitChange(change: ChangeInput): ChangeEvent;
  changes(): ChangeEvent[];
  /** 人社: move the monthly settlement forward; returns the new `dataMonth`. */
  advanceMonths(months: number): string;
  /** Every issued token becomes unknown (errcode 40014). */
  revokeTokens(): void;
  advanceClock(seconds: number): void;
  now(): number;
  setFault(fault: SimulatorFault): void;
  clearFaults(): void;
  /** Requests per path; person pulls under `/v1/persons/{idNumber}/<resource>`. */
  stats(): SimulatorStats;
  /** Test-only chaos (as `PUT /__sandbox/chaos`); `null` turns it off. */
  chaos(options: Partial<ChaosSettings> | null): void;
  readonly chaosControl: SimulatorChaos;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const today = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createDeptSimulator<S extends DeptSourceKey>(
  source: S,
  options: DeptSimulatorOptions = {},
): DeptSimulator<S> {
  const spec = DEPT_SOURCES[source];
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  const advanceClock = (seconds: number) => {
    clockOffsetMs += seconds * 1000;
  };
  const population = options.population === undefined ? createPopulation() : options.population;
  const store = createRecordStore(source, population);
  const feed = createChangeFeed(now);
  const tokens = createTokenIssuer(options.apps ?? [DEMO_DEPT_APP], options.tokenTtlSeconds ?? 7200, now);
  const rateLimit = createSlidingWindow(options.rateLimitPerMinute ?? 600, 60_000, now);
  const faults = createDeptFaultRegistry();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();

  /** The change described by untrusted `input`; throws BadRequest. */
  function checkChange(input: unknown): Omit<ChangeEvent, 'seq' | 'cursor' | 'recordedAt'> {
    if (!spec.changeFeed) throw new BadRequest(`${source} has no change feed`);
    if (!isObject(input)) throw new BadRequest('change must be an object');
    const { type, idNumbers, occurredAt, data } = input;
    if (typeof type !== 'string' || !spec.changeTypes.includes(type)) {
      throw new BadRequest(`type must be one of ${spec.changeTypes.join(', ')}`);
    }
    if (!Array.isArray(idNumbers) || idNumbers.length === 0 || !idNumbers.every((id) => isIdNumber(id))) {
      throw new BadRequest('idNumbers must be valid ID numbers');
    }
    if (occurredAt !== undefined && (typeof occurredAt !== 'string' || !DATE.test(occurredAt))) {
      throw new BadRequest('occurredAt must be YYYY-MM-DD');
    }
    if (data !== undefined && !isObject(data)) throw new BadRequest('data must be an object');
    return {
      type,
      idNumbers: idNumbers as string[],
      occurredAt: (occurredAt as string | undefined) ?? today(now()),
      data: data ?? {},
    };
  }

  const emitChange = (input: unknown): ChangeEvent => feed.append(checkChange(input));

  function putRecord(input: unknown): { ok: true; change: ChangeEvent | null } {
    if (!isObject(input)) throw new BadRequest('body must be an object');
    const { idNumber, record, change } = input;
    if (typeof idNumber !== 'string' || !isIdNumber(idNumber)) throw new BadRequest('idNumber must be valid');
    if (!isObject(record)) throw new BadRequest('record must be an object');
    if (change !== undefined && !isObject(change)) throw new BadRequest('change must be an object');
    const stored = { ...record, idNumber };
    const checked =
      change === undefined
        ? null
        : checkChange({ data: { record: stored }, ...change, idNumbers: [idNumber] });
    store.put(idNumber, stored);
    return { ok: true, change: checked ? feed.append(checked) : null };
  }

  const chaos = createSimulatorChaos(
    { errorAnswer: () => ({ status: 200, body: errorBody(-1) }), sparedPaths: ['/v1/token'] },
    timers,
  );
  const handler = createDeptRequestHandler({
    spec,
    store,
    feed,
    tokens,
    rateLimit,
    faults,
    stats,
    timers,
    clock: { now, advanceClock },
    emitChange,
    putRecord,
  });
  const listener = createSimulatorListener(spec.title, handler, timers, chaos);
  return {
    source: spec,
    population,
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    record: (idNumber) => store.get(idNumber) as DeptRecordMap[S] | undefined,
    putRecord: (idNumber, record, change) =>
      putRecord({ idNumber, record, ...(change ? { change } : {}) }).change,
    removeRecord: (idNumber) => store.remove(idNumber),
    emitChange: (change) => emitChange(change),
    changes: () => feed.all(),
    advanceMonths: (months) => store.advanceMonths(months),
    revokeTokens: () => tokens.revokeAll(),
    advanceClock,
    now,
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    chaos: (settings) => {
      if (settings === null) chaos.clear();
      else chaos.set(settings);
    },
    chaosControl: chaos,
  };
}

/** 公安 户籍人口信息. */
export const createHukouSimulator = (options?: DeptSimulatorOptions) => createDeptSimulator('hukou', options);
/** 人社 社会保险参保缴费信息 (no change feed; monthly settlement). */
export const createSocialInsuranceSimulator = (options?: DeptSimulatorOptions) =>
  createDeptSimulator('social-insurance', options);
/** 民政 婚姻登记信息. */
export const createMarriageSimulator = (options?: DeptSimulatorOptions) =>
  createDeptSimulator('marriage', options);
/** 卫健 出生/死亡医学证明信息. */
export const createHealthSimulator = (options?: DeptSimulatorOptions) =>
  createDeptSimulator('health', options);
/** 教育 学籍信息. */
export const createEducationSimulator = (options?: DeptSimulatorOptions) =>
  createDeptSimulator('education', options);
/** 不动产登记信息. */
export const createPropertySimulator = (options?: DeptSimulatorOptions) =>
  createDeptSimulator('property', options);
