import { OaError } from '../errors';
import type { OaBucketChecksum, OaConnector, OaState, OaStatus } from '../port';
import { createOaHttp, httpStatusError, parseJsonObject, type RawResponse } from '../shared/http';
import type { GenericOaConfig } from './generic-config';
import { signGenericOaRequest } from './signature';

const STATES: readonly OaState[] = ['running', 'approved', 'rejected', 'withdrawn', 'unknown'];
type Body = Record<string, unknown>;

/** A status object of the generic protocol; null when it has no `externalId`. */
export function readGenericStatus(value: unknown): OaStatus | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Body;
  if (typeof v.externalId !== 'string' || v.externalId === '') return null;
  const state = STATES.includes(v.state as OaState) ? (v.state as OaState) : 'unknown';
  const status: OaStatus = { externalId: v.externalId, state, raw: v };
  if (typeof v.finishedAt === 'string') status.finishedAt = v.finishedAt;
  if (typeof v.opinion === 'string') status.opinion = v.opinion;
  if (typeof v.approver === 'string') status.approver = v.approver;
  return status;
}

/**
 * Generic REST/JSON adapter for in-house OAs (our protocol):
 * - `POST {base}/cases` with the {@link OaCase} as JSON and `Idempotency-Key: <caseId>` → 201 (or 200
 *   for a case it already holds) `{externalId}`. The OA must dedupe by `caseId`, so no lookup is needed
 *   and no duplicate window remains.
 * - `GET {base}/cases/{externalId}` → `{externalId, caseId, state, finishedAt?, opinion?, approver?}`;
 *   404 `{code:"NOT_FOUND"}` reads as state `unknown`.
 * - `GET {base}/cases?cursor=` → `{items: [...], next?}`.
 * - Reconciliation (`reconcile.ts` has the formulas): `POST {base}/reconcile/checksums {buckets}` →
 *   `{buckets, items: [{count, xor}, …]}` (one per bucket, index = bucket), and
 *   `GET {base}/reconcile/documents?buckets=B&bucket=n&limit=&cursor=` → `{items: [...], next?}`, the
 *   bucket's documents in ascending `externalId` byte order, `next` = the last `externalId` sent.
 * - Errors: JSON `{code, message}`; 429 (with `Retry-After`) → rateLimited, 5xx → retryable, other 4xx
 *   → permanent. Every request is signed (`signature.ts`); results come back by callback.
 */
export function createGenericOaConnector(config: GenericOaConfig): OaConnector {
  const system = `generic:${config.name}`;
  const prefix = new URL(config.baseUrl).pathname.replace(/\/+$/, '');
  const http = createOaHttp({
    system,
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs ?? 10_000,
  });

  async function call(
    method: 'GET' | 'POST',
    relative: string,
    json?: unknown,
    extra: Record<string, string> = {},
  ) {
    const body = json === undefined ? '' : JSON.stringify(json);
    const headers = {
      ...signGenericOaRequest({ method, path: `${prefix}${relative}`, body, secret: config.secret }),
      ...(json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      ...extra,
    };
    return http.send({ method, path: relative, headers, ...(json === undefined ? {} : { body }) });
  }

  function fail(path: string, response: RawResponse): never {
    const base = httpStatusError(system, path, response);
    const code = parseJsonObject(response.text)?.code;
    throw typeof code === 'string' && code !== ''
      ? new OaError(system, base.kind, code.slice(0, 64), path, {
          status: response.status,
          ...(base.retryAfterMs === undefined ? {} : { retryAfterMs: base.retryAfterMs }),
        })
      : base;
  }

  function json(path: string, response: RawResponse): Body {
    if (response.status !== 200 && response.status !== 201) fail(path, response);
    const body = parseJsonObject(response.text);
    if (!body) throw new OaError(system, 'retryable', 'BAD_RESPONSE', path, { status: response.status });
    return body;
  }

  return {
    system,
    pushesResults: true,
    async push(c) {
      const body = json('/cases', await call('POST', '/cases', c, { 'idempotency-key': c.caseId }));
      if (typeof body.externalId !== 'string' || body.externalId === '') {
        throw new OaError(system, 'retryable', 'BAD_RESPONSE', '/cases');
      }
      return { externalId: body.externalId };
    },
    async status(externalId) {
      const path = `/cases/${encodeURIComponent(externalId)}`;
      const response = await call('GET', path);
      if (response.status === 404 && parseJsonObject(response.text)?.code === 'NOT_FOUND') {
        return { externalId, state: 'unknown', raw: parseJsonObject(response.text) };
      }
      const status = readGenericStatus(json('/cases/{id}', response));
      if (!status) throw new OaError(system, 'retryable', 'BAD_RESPONSE', '/cases/{id}');
      return status;
    },
    async list(cursor) {
      const path = cursor === undefined ? '/cases' : `/cases?cursor=${encodeURIComponent(cursor)}`;
      const body = json('/cases', await call('GET', path));
      if (!Array.isArray(body.items)) throw new OaError(system, 'retryable', 'BAD_RESPONSE', '/cases');
      const items = body.items.map(readGenericStatus).filter((s): s is OaStatus => s !== null);
      return typeof body.next === 'string' && body.next !== '' ? { items, next: body.next } : { items };
    },
    async checksums(buckets) {
      const path = '/reconcile/checksums';
      const body = json(path, await call('POST', path, { buckets }));
      const items = body.items;
      if (body.buckets !== buckets || !Array.isArray(items) || items.length !== buckets)
        throw new OaError(system, 'retryable', 'BAD_RESPONSE', path);
      return items.map((item): OaBucketChecksum => {
        const { count, xor } = (item ?? {}) as Body;
        if (!Number.isSafeInteger(count) || !Number.isSafeInteger(xor))
          throw new OaError(system, 'retryable', 'BAD_RESPONSE', path);
        return { count: count as number, xor: (xor as number) >>> 0 };
      });
    },
    async listBucket(bucket, buckets, cursor, limit = 500) {
      const query = new URLSearchParams({
        buckets: String(buckets),
        bucket: String(bucket),
        limit: String(limit),
      });
      if (cursor !== undefined) query.set('cursor', cursor);
      const path = '/reconcile/documents';
      const body = json(path, await call('GET', `${path}?${query}`));
      if (!Array.isArray(body.items)) throw new OaError(system, 'retryable', 'BAD_RESPONSE', path);
      const items = body.items.map(readGenericStatus).filter((s): s is OaStatus => s !== null);
      return typeof body.next === 'string' && body.next !== '' ? { items, next: body.next } : { items };
    },
  };
}
