import type { TokenCache } from '../../core/transport/token-cache';
import type { ChangeEvent, ChangePage } from '../changes';
import { DEPT_ERRCODES } from '../errcodes';
import { DeptApiError } from '../errors';
import { isIdNumber } from '../id-number';
import type { DeptRecordMap } from '../records';
import { DEPT_SOURCES, type DeptSourceKey, type DeptSourceSpec } from '../sources';
import { DEFAULT_DEPT_RETRY, type DeptClientConfig } from './config';
import { withRetry } from './retry';
import { createDeptHttp, createDeptTokenProvider } from './transport';

export type { ChangeEvent, ChangePage };

/** Most ID numbers one batch pull takes. */
export const DEPT_BATCH_LIMIT = 100;

/** One answer of a batch pull. */
export type BatchItem<S extends DeptSourceKey> =
  | { idNumber: string; found: true; data: DeptRecordMap[S] }
  | { idNumber: string; found: false; data: null };

/**
 * Pulls one department source. Every call takes the cached access token (refetched once on 40014 /
 * 42001), is retried on errcode −1 and transport failures (see `retry`), and otherwise throws
 * {@link DeptApiError} or {@link DeptTransportError}.
 */
export interface DeptPullClient<S extends DeptSourceKey> {
  readonly source: DeptSourceSpec;
  getAccessToken(): Promise<string>;
  invalidateAccessToken(): Promise<void>;
  /** `GET /v1/persons/{idNumber}/<resource>`: the record, or null when the source has none (44004). */
  get(idNumber: string): Promise<DeptRecordMap[S] | null>;
  /**
   * `POST /v1/persons/batch`: 1..100 distinct valid ID numbers (else RangeError before any call), one
   * item per distinct ID number in request order.
   */
  batchGet(idNumbers: readonly string[]): Promise<BatchItem<S>[]>;
}

/** A source with a change feed. */
export interface DeptFeedClient<S extends DeptSourceKey> extends DeptPullClient<S> {
  /** `GET /v1/changes`: one page after `cursor` (`''`/absent = from the start), `limit` 1..500 (default 100). */
  changes(options?: { cursor?: string; limit?: number }): Promise<ChangePage>;
  /** Pages from `cursor` until the feed is drained; store each page's `nextCursor` to resume later. */
  changePages(options?: { cursor?: string; limit?: number }): AsyncGenerator<ChangePage>;
}

/** The client type of a source: 人社 has no change feed. */
export type DeptClient<S extends DeptSourceKey> = S extends 'social-insurance'
  ? DeptPullClient<S>
  : DeptFeedClient<S>;

export function createDeptClient<S extends DeptSourceKey>(
  source: S,
  config: DeptClientConfig,
  deps: { tokenCache: TokenCache },
): DeptClient<S> {
  const spec = DEPT_SOURCES[source];
  const http = createDeptHttp(config);
  const tokens = createDeptTokenProvider(source, http, config, deps.tokenCache);
  const policy = { ...DEFAULT_DEPT_RETRY, ...config.retry };
  const call = <T>(fn: (token: string) => Promise<T>) => withRetry(policy, () => tokens.withAccessToken(fn));

  const get = (idNumber: string) => {
    if (!isIdNumber(idNumber)) return Promise.reject(new RangeError('idNumber is not a valid ID number'));
    const path = `/v1/persons/${idNumber}/${spec.resource}`;
    return call(async (token) => {
      try {
        const body = await http.get(path, { access_token: token });
        return body.data as DeptRecordMap[S];
      } catch (error) {
        if (error instanceof DeptApiError && error.errcode === DEPT_ERRCODES.notFound) return null;
        throw error;
      }
    });
  };

  const batchGet = (idNumbers: readonly string[]) => {
    const distinct = [...new Set(idNumbers)];
    if (distinct.length === 0 || distinct.length > DEPT_BATCH_LIMIT) {
      return Promise.reject(new RangeError(`batch must hold 1..${DEPT_BATCH_LIMIT} ID numbers`));
    }
    if (!distinct.every(isIdNumber))
      return Promise.reject(new RangeError('batch holds an invalid ID number'));
    return call(async (token) => {
      const body = await http.post('/v1/persons/batch', { idNumbers: distinct }, { access_token: token });
      return (body.data as { items: BatchItem<S>[] }).items;
    });
  };

  const changes = (options: { cursor?: string; limit?: number } = {}) =>
    call(async (token) => {
      const params: Record<string, string> = { access_token: token, cursor: options.cursor ?? '' };
      if (options.limit !== undefined) params.limit = String(options.limit);
      const body = await http.get('/v1/changes', params);
      return body.data as ChangePage;
    });

  async function* changePages(options: { cursor?: string; limit?: number } = {}) {
    let cursor = options.cursor ?? '';
    for (;;) {
      const page = await changes({ ...options, cursor });
      yield page;
      cursor = page.nextCursor;
      if (!page.hasMore) return;
    }
  }

  const client: DeptFeedClient<S> = {
    source: spec,
    getAccessToken: () => tokens.get(),
    invalidateAccessToken: () => tokens.invalidate(),
    get,
    batchGet,
    changes,
    changePages,
  };
  return client as DeptClient<S>;
}

type Deps = { tokenCache: TokenCache };

/** 公安 户籍人口信息. */
export const createHukouClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('hukou', config, deps);
/** 人社 社会保险 (pull only). */
export const createSocialInsuranceClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('social-insurance', config, deps);
/** 民政 婚姻登记. */
export const createMarriageClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('marriage', config, deps);
/** 卫健 出生/死亡医学证明. */
export const createHealthClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('health', config, deps);
/** 教育 学籍. */
export const createEducationClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('education', config, deps);
/** 不动产登记. */
export const createPropertyClient = (config: DeptClientConfig, deps: Deps) =>
  createDeptClient('property', config, deps);
