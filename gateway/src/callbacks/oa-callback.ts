import { verifyGenericOaCallback } from '@gcrm/connectors/oa';
import type { Context } from 'koa';
import { type CallbackEnv, checkReplay, plain, storeEvent } from './callback-context';
import { CallbackRefusal, readCallbackBody } from './callback-http';

/** `generic:hr`, `weaver`: what may follow `/callbacks/oa/`. */
export const OA_SYSTEM = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,57}$/;

const REFUSALS = {
  'missing-header': 401,
  'malformed-header': 400,
  'stale-timestamp': 403,
  'bad-signature': 403,
} as const;

/**
 * Result callbacks of an OA speaking the generic protocol (platforms.md §4, `connectors/oa/generic`):
 * HMAC-SM3 over the canonical request, stored as source `oa:<system>`, type `result`, keyed by
 * `<externalId>:<state>` (one row per state a document reaches), answered `success`.
 *
 * `secretOf(system)` is the shared secret of that OA; unknown systems are refused like a bad signature.
 */
export function oaEndpoint(
  secretOf: (system: string) => string | undefined,
  env: CallbackEnv,
  maxSkewS: number,
) {
  return async function oaResult(ctx: Context, system: string) {
    const secret = OA_SYSTEM.test(system) ? secretOf(system) : undefined;
    if (!secret) throw new CallbackRefusal(403, 'unknown-system');
    const raw = await readCallbackBody(ctx, env.bodyLimit);
    // The codec checks the window itself; 0 means no window here too, while the signature stays checked.
    const verdict = verifyGenericOaCallback(
      ctx.req.headers,
      raw,
      secret,
      env.now(),
      maxSkewS === 0 ? Number.POSITIVE_INFINITY : maxSkewS,
    );
    if (!verdict.valid) throw new CallbackRefusal(REFUSALS[verdict.reason], verdict.reason);
    const source = `oa:${system}`;
    await checkReplay(env, source, String(verdict.timestamp), verdict.nonce);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new CallbackRefusal(400, 'bad-json');
    }
    const record = body as Record<string, unknown> | null;
    const externalId = record?.externalId;
    const state = record?.state;
    if (
      typeof record !== 'object' ||
      record === null ||
      Array.isArray(record) ||
      typeof externalId !== 'string' ||
      externalId === '' ||
      typeof state !== 'string' ||
      state === ''
    ) {
      throw new CallbackRefusal(400, 'bad-result');
    }
    const id = await storeEvent(
      env,
      { source, eventType: 'result', dedupeKey: `${externalId}:${state}`, payload: record },
      verdict.nonce,
    );
    return plain('success', id);
  };
}
