/**
 * The handlers that apply inbound events: one per (source, event type). The lead registers the
 * concrete ones (decisions into the workflow, consents); this folder only stores and dispatches.
 *
 * @example
 * const handlers = new InboxHandlers()
 *   .on('dingtalk', 'bpms_task_change', async (event) => workflow.applyDingtalkDecision(event.payload))
 *   .on('oa:*', 'result', async (event) => workflow.applyOaResult(event.source.slice(3), event.payload));
 */

/** One stored event, as a handler receives it. */
export interface InboxEvent {
  /** The inbox row id: stable across retries, usable as an idempotency key. */
  id: string;
  /** `wecom`, `dingtalk`, `wechat` or `oa:<system>`. */
  source: string;
  eventType: string;
  /** The platform's event id / the codec's dedupe key. */
  dedupeKey: string;
  /** The decrypted event: WeCom/WeChat top-level XML fields, DingTalk's flat JSON, the OA's result body. */
  payload: Record<string, unknown>;
  receivedAt: number;
  /** 1 on the first run, counting every claimed run (a run cut short by a crash counts too). */
  attempt: number;
}

/**
 * Applies one event. The contract:
 * - Delivery is **at least once**: a crash after the handler's effect but before the inbox row is
 *   marked done runs it again. Make the effect idempotent, keyed by `event.id` or by the platform's
 *   own ids in the payload (a task decided twice is decided once).
 * - Resolve when the effect is durable. Throw to retry later with backoff (up to the inbox's
 *   `maxAttempts`, then the row is `dead`); throw {@link PermanentInboxError} when a retry cannot help
 *   (unknown case, malformed payload): the row is `dead` at once.
 * - Do not log the payload: it may hold personal data.
 */
export type InboxHandler = (event: InboxEvent) => Promise<void>;

/**
 * A failure no retry can mend. `reason` is a short stable code (`unknown_task`, `bad_payload`) stored on
 * the row for admins: never personal data.
 */
export class PermanentInboxError extends Error {
  override readonly name = 'PermanentInboxError';
  constructor(readonly reason: string) {
    super(`permanent inbox failure: ${reason}`);
  }
}

const WILDCARD = '*';

/** The registry of {@link InboxHandler}s by source and event type. */
export class InboxHandlers {
  private readonly handlers = new Map<string, InboxHandler>();

  /**
   * Registers `handler` for `source` + `eventType`. `source` may be a family wildcard such as `oa:*`
   * (every `oa:<system>`); an exact source wins over its wildcard. Throws on a second registration.
   */
  on(source: string, eventType: string, handler: InboxHandler): this {
    const key = `${source}\u0000${eventType}`;
    if (this.handlers.has(key))
      throw new Error(`inbox handler already registered for ${source} ${eventType}`);
    this.handlers.set(key, handler);
    return this;
  }

  find(source: string, eventType: string): InboxHandler | undefined {
    const exact = this.handlers.get(`${source}\u0000${eventType}`);
    if (exact) return exact;
    const colon = source.indexOf(':');
    if (colon < 0) return undefined;
    return this.handlers.get(`${source.slice(0, colon)}:${WILDCARD}\u0000${eventType}`);
  }

  has(source: string, eventType: string): boolean {
    return this.find(source, eventType) !== undefined;
  }
}
