import { randomUUID } from 'node:crypto';
import { BadRequest } from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import type { OaState } from '../port';
import { parseJsonObject } from '../shared/http';
import type { SimDocument } from '../shared/sim-documents';
import {
  createOaSimulatorCore,
  createOaSimulatorListener,
  type OaSimulatorBase,
  simulatorBase,
  type WireAnswer,
  type WireRequest,
} from '../shared/sim-server';
import { BucketIndex, foldChecksums, MAX_RECONCILE_BUCKETS } from './reconcile';
import { DEFAULT_MAX_SKEW_S, signGenericOaCallback, verifyGenericOaRequest } from './signature';

export interface GenericOaSimulatorOptions {
  secret: string;
  /** Known templates; default any. */
  templates?: string[];
  maxSkewS?: number;
  /** Requests per minute before 429. Default 600. */
  callsPerMinute?: number;
  /** Callback attempts per decision. Default 4. */
  callbackAttempts?: number;
  /** First retry delay, doubled per attempt. Default 200 ms. */
  callbackBackoffMs?: number;
}

/** One attempt to deliver a result callback. */
export interface CallbackDelivery {
  externalId: string;
  attempt: number;
  /** HTTP status, or 0 when the request failed. */
  status: number;
}

/** Named faults: `invalidSignature` (401), `serverError` (500), `rateLimited` (429). */
export const GENERIC_FAULT_ERRORS = ['invalidSignature', 'serverError', 'rateLimited'] as const;

/**
 * An in-process in-house OA speaking the generic protocol (see `createGenericOaConnector`): checks every
 * signature (401 `INVALID_SIGNATURE` / `STALE_TIMESTAMP` / `REPLAYED_NONCE`), dedupes cases by
 * `caseId`, rate-limits (429 `RATE_LIMITED` with `Retry-After`), and posts a signed result callback to
 * the configured URL when a document is decided, retrying non-2xx answers with backoff.
 *
 * Reconciliation routes (`POST /reconcile/checksums`, `GET /reconcile/documents`) answer from an
 * index of document ids per bucket kept current as documents come and go.
 *
 * Sandbox: the shared OA routes, plus `POST /__sandbox/callback-url {url, secret?}` (secret defaults
 * to the request secret) and `GET /__sandbox/callbacks` → `{deliveries}`.
 */
export interface GenericOaSimulator extends OaSimulatorBase {
  setCallbackUrl(url: string, secret?: string): void;
  deliveries(): CallbackDelivery[];
  /** Resolves when no callback delivery is pending. */
  callbacksSettled(): Promise<void>;
  /**
   * Test and bench seeding: adds documents as if pushed (deduped by `caseId` from then on) and sets
   * their state without any callback. Returns how many were added.
   */
  seed(documents: Iterable<SeedDocument>): number;
}

/** A document {@link GenericOaSimulator.seed} adds. */
export interface SeedDocument {
  externalId: string;
  caseId: string;
  state: OaState;
  template?: string;
}

const problem = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): WireAnswer => ({
  status,
  body: { code, message },
  ...(headers ? { headers } : {}),
});
const PAGE_SIZE = 50;

export function createGenericOaSimulator(options: GenericOaSimulatorOptions): GenericOaSimulator {
  const core = createOaSimulatorCore();
  const store = core.documents;
  const index = new BucketIndex(function* () {
    for (const doc of store.all()) yield doc.externalId;
  });
  core.documents = {
    ...store,
    add(input) {
      const doc = store.add(input);
      index.added(doc.externalId);
      return doc;
    },
    drift(externalId, drift) {
      const doc = store.drift(externalId, drift);
      if (drift.kind === 'lost') index.removed(externalId);
      return doc;
    },
  };
  const maxSkewS = options.maxSkewS ?? DEFAULT_MAX_SKEW_S;
  const window = createSlidingWindow(options.callsPerMinute ?? 600, 60_000, core.now);
  const nonces = new Map<string, number>();
  const byCaseId = new Map<string, string>();
  const caseIds = new Map<string, string>();
  const deliveries: CallbackDelivery[] = [];
  const pending = new Set<Promise<void>>();
  let callback: { url: string; secret: string } | null = null;

  function statusOf(doc: SimDocument) {
    return {
      externalId: doc.externalId,
      caseId: caseIds.get(doc.externalId),
      state: doc.state,
      ...(doc.finishedAt === undefined ? {} : { finishedAt: new Date(doc.finishedAt).toISOString() }),
      ...(doc.opinion === undefined ? {} : { opinion: doc.opinion }),
      ...(doc.approver === undefined ? {} : { approver: doc.approver }),
    };
  }

  function authenticate(request: WireRequest): WireAnswer | undefined {
    const now = core.now();
    // Insertion order is expiry order (the clock only moves forward): stop at the first live nonce.
    for (const [nonce, expiresAt] of nonces) {
      if (expiresAt > now) break;
      nonces.delete(nonce);
    }
    const result = verifyGenericOaRequest(
      request.headers,
      request.method,
      request.target,
      request.body,
      options.secret,
      now,
      maxSkewS,
    );
    if (!result.valid) {
      const code = result.reason === 'stale-timestamp' ? 'STALE_TIMESTAMP' : 'INVALID_SIGNATURE';
      return problem(401, code, '签名校验失败');
    }
    if (nonces.has(result.nonce)) return problem(401, 'REPLAYED_NONCE', '请求重复');
    nonces.set(result.nonce, now + 2 * maxSkewS * 1000);
    return undefined;
  }

  function create(text: string): WireAnswer {
    const c = parseJsonObject(text);
    const str = (v: unknown) => typeof v === 'string' && v !== '' && v.length <= 1000;
    const fields = c?.fields;
    const fieldsOk =
      typeof fields === 'object' &&
      fields !== null &&
      !Array.isArray(fields) &&
      Object.values(fields).every((v) => typeof v === 'string');
    if (
      !c ||
      !['caseId', 'caseNumber', 'title', 'template', 'initiator'].every((k) => str(c[k])) ||
      !fieldsOk
    ) {
      return problem(400, 'INVALID_CASE', '办件数据不完整');
    }
    const caseId = c.caseId as string;
    const existing = byCaseId.get(caseId);
    if (existing && core.documents.get(existing))
      return { status: 200, body: { externalId: existing, created: false } };
    if (options.templates && !options.templates.includes(c.template as string)) {
      return problem(422, 'UNKNOWN_TEMPLATE', '流程模板不存在');
    }
    const externalId = randomUUID();
    byCaseId.set(caseId, externalId);
    caseIds.set(externalId, caseId);
    core.documents.add({
      externalId,
      subject: c.title as string,
      template: c.template as string,
      initiator: c.initiator as string,
      caseKey: caseId,
      form: { fields, details: c.details, attachments: c.attachments },
    });
    return { status: 201, body: { externalId, created: true } };
  }

  const bucketCount = (value: unknown) =>
    Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_RECONCILE_BUCKETS
      ? (value as number)
      : undefined;

  function checksums(text: string): WireAnswer {
    const buckets = bucketCount(parseJsonObject(text)?.buckets);
    if (buckets === undefined) return problem(400, 'INVALID_BUCKETS', '分桶数无效');
    const items = foldChecksums(
      store.all().map((d) => ({ externalId: d.externalId, state: d.state })),
      buckets,
    );
    return { status: 200, body: { buckets, items } };
  }

  function bucketDocuments(query: URLSearchParams): WireAnswer {
    const buckets = bucketCount(Number(query.get('buckets')));
    const bucket = Number(query.get('bucket'));
    const limit = Number(query.get('limit') ?? PAGE_SIZE);
    if (buckets === undefined || !Number.isSafeInteger(bucket) || bucket < 0 || bucket >= buckets)
      return problem(400, 'INVALID_BUCKET', '分桶参数无效');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      return problem(400, 'INVALID_LIMIT', '分页大小无效');
    const ids = index.bucket(bucket, buckets);
    const cursor = query.get('cursor');
    let from = 0;
    if (cursor !== null) {
      // First id after the cursor (binary search over the byte-ordered bucket).
      const key = Buffer.from(cursor, 'utf8');
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (Buffer.compare(Buffer.from(ids[mid]!, 'utf8'), key) <= 0) lo = mid + 1;
        else hi = mid;
      }
      from = lo;
    }
    const page = ids.slice(from, from + limit);
    const items = page.map((id) => statusOf(store.get(id)!));
    const more = from + limit < ids.length;
    return { status: 200, body: { items, ...(more ? { next: page[page.length - 1] } : {}) } };
  }

  function wire(request: WireRequest): WireAnswer {
    const isCases = request.path === '/cases';
    const isCase = request.path.startsWith('/cases/') && request.path.length > '/cases/'.length;
    const isChecksums = request.path === '/reconcile/checksums';
    const isBucket = request.path === '/reconcile/documents';
    if (!isCases && !isCase && !isChecksums && !isBucket) return problem(404, 'NO_ROUTE', '接口不存在');
    const refused = authenticate(request);
    if (refused) return refused;
    if (!window.take('all')) return problem(429, 'RATE_LIMITED', '请求过于频繁', { 'retry-after': '60' });
    if (isChecksums)
      return request.method === 'POST'
        ? checksums(request.body)
        : problem(405, 'METHOD_NOT_ALLOWED', '不支持的请求方法');
    if (isBucket)
      return request.method === 'GET'
        ? bucketDocuments(request.query)
        : problem(405, 'METHOD_NOT_ALLOWED', '不支持的请求方法');
    if (isCases && request.method === 'POST') return create(request.body);
    if (request.method !== 'GET') return problem(405, 'METHOD_NOT_ALLOWED', '不支持的请求方法');
    if (isCase) {
      const doc = core.documents.get(decodeURIComponent(request.path.slice('/cases/'.length)));
      return doc ? { status: 200, body: statusOf(doc) } : problem(404, 'NOT_FOUND', '办件不存在');
    }
    const cursor = request.query.get('cursor');
    const offset = cursor === null ? 0 : Number(cursor.replace(/^o/, ''));
    if (!Number.isSafeInteger(offset) || offset < 0) return problem(400, 'INVALID_CURSOR', '游标无效');
    const all = core.documents.all();
    const items = all.slice(offset, offset + PAGE_SIZE).map(statusOf);
    return {
      status: 200,
      body: { items, ...(offset + PAGE_SIZE < all.length ? { next: `o${offset + PAGE_SIZE}` } : {}) },
    };
  }

  function deliver(doc: SimDocument): void {
    if (!callback) return;
    const target = callback;
    const body = JSON.stringify(statusOf(doc));
    const attempts = options.callbackAttempts ?? 4;
    const backoff = options.callbackBackoffMs ?? 200;
    const run = (async () => {
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        let status = 0;
        try {
          const response = await fetch(target.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              ...signGenericOaCallback(body, target.secret, core.now()),
            },
            body,
            signal: AbortSignal.timeout(2000),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0;
        }
        deliveries.push({ externalId: doc.externalId, attempt, status });
        if (status >= 200 && status < 300) return;
        if (attempt < attempts) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(
              () => {
                core.timers.delete(timer);
                resolve();
              },
              backoff * 2 ** (attempt - 1),
            );
            core.timers.add(timer);
          });
        }
      }
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  /** A decision's callback, through chaos (duplicates, random holds that reorder callbacks). */
  function publish(doc: SimDocument): void {
    const snapshot = structuredClone(doc);
    for (const hold of core.chaos?.planEvent() ?? [0]) {
      if (hold === 0) {
        deliver(snapshot);
        continue;
      }
      const held = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          core.timers.delete(timer);
          deliver(snapshot);
          resolve();
        }, hold);
        core.timers.add(timer);
      });
      pending.add(held);
      void held.finally(() => pending.delete(held));
    }
  }

  function setCallbackUrl(url: string, secret = options.secret): void {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('url must be http(s)');
    callback = { url, secret };
  }

  const listener = createOaSimulatorListener({
    name: 'GenericOA',
    core,
    wirePaths: ['/cases', '/reconcile/checksums', '/reconcile/documents'],
    errorNames: GENERIC_FAULT_ERRORS,
    onDecided: publish,
    sandbox: {
      'POST /__sandbox/callback-url': ({ body }) => {
        const { url, secret } = body ?? {};
        if (typeof url !== 'string') throw new BadRequest('url must be a string');
        if (secret !== undefined && (typeof secret !== 'string' || secret === ''))
          throw new BadRequest('secret must be a string');
        try {
          setCallbackUrl(url, secret as string | undefined);
        } catch (error) {
          throw new BadRequest((error as Error).message);
        }
        return { ok: true };
      },
      'GET /__sandbox/callbacks': () => ({ deliveries }),
    },
    wire,
    faultError(name) {
      if (name === 'invalidSignature') return problem(401, 'INVALID_SIGNATURE', '签名校验失败');
      if (name === 'rateLimited') return problem(429, 'RATE_LIMITED', '请求过于频繁', { 'retry-after': '2' });
      return problem(500, 'INTERNAL', '系统繁忙');
    },
    statusAnswer: (status) =>
      problem(status, `HTTP_${status}`, '错误', status === 429 ? { 'retry-after': '1' } : undefined),
    systemError: () => problem(500, 'INTERNAL', '系统繁忙'),
  });
  return Object.assign(simulatorBase(core, listener, publish), {
    setCallbackUrl,
    deliveries: () => [...deliveries],
    async callbacksSettled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    seed(documents: Iterable<SeedDocument>) {
      let added = 0;
      for (const d of documents) {
        const doc = core.documents.add({
          externalId: d.externalId,
          subject: '对账种子办件',
          template: d.template ?? 'TPL',
          initiator: 'seed',
          caseKey: d.caseId,
          form: null,
        });
        byCaseId.set(d.caseId, d.externalId);
        caseIds.set(d.externalId, d.caseId);
        if (d.state !== 'running') {
          doc.state = d.state;
          doc.finishedAt = core.now();
        }
        added++;
      }
      return added;
    },
  });
}
