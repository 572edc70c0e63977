/**
 * The contracts where the outside systems plug into delivery: routes (which messages become which
 * deliveries) and senders (how a delivery reaches one destination).
 */

/** An outbox message as a route sees it. */
export interface RoutedMessage {
  /** The outbox row id (time-ordered). */
  id: string;
  topic: string;
  aggregateType: string;
  aggregateId: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
  createdAt: number;
}

/** One effect on one outside system, as a route plans it. */
export interface PlannedDelivery {
  /** The sender that carries it, e.g. `'dingtalk.todo'`, `'wechat.subscribe'`, `'sms'`, `'oa.push'`. */
  destination: string;
  /**
   * The idempotency key handed to the sender (a DingTalk todo's `sourceId`, an SMS `OutId`, …): the
   * same key must mean the same effect, so that an at-least-once delivery has its effect once. Unique
   * per destination; a second planned delivery with the same key is dropped.
   */
  key: string;
  /**
   * Deliveries with the same destination and orderKey go out one at a time in the order of their
   * messages (usually the case id). Use a unique key (e.g. `key`) when the order does not matter.
   */
  orderKey: string;
  /** What the sender needs; no ID or phone numbers (senders fetch those by id when they must). */
  payload: Record<string, unknown>;
}

/**
 * A route turns the messages of some topics into deliveries. The lead writes one per outside system
 * (DingTalk todo + work notification, WeCom, WeChat subscribe message, SMS, department OA).
 *
 * @example
 * const todos: DeliveryRoute = {
 *   name: 'dingtalk-todo',
 *   topics: ['task.created'],
 *   plan: async (m) => [{ destination: 'dingtalk.todo', key: `todo:${m.payload.taskId}`,
 *                         orderKey: String(m.payload.caseId), payload: { taskId: m.payload.taskId } }],
 * };
 */
export interface DeliveryRoute {
  /** Stable name, stored with each delivery it planned (so that `onRefused` finds it again). */
  name: string;
  /** Topics this route plans for; a topic with no route is routed to nothing. */
  topics: readonly string[];
  /**
   * The deliveries for one message; `[]` when none is needed. It may read other contexts' services
   * but must not send anything. A throw is retried with backoff, then the message is dead-lettered.
   */
  plan(message: RoutedMessage): Promise<PlannedDelivery[]>;
  /**
   * Called when one of this route's deliveries was refused by its destination (e.g. WeChat 43101: no
   * subscribe consent left): the deliveries to make instead (an SMS). They are written in the same
   * transaction that marks the refused delivery `refused`, with `parentId` set.
   */
  onRefused?(delivery: DeliveryRecord, reason: FailureInfo): Promise<PlannedDelivery[]>;
}

/** What a sender reports for a delivery that reached its destination. */
export interface SendOutcome {
  outcome: 'delivered';
  /** The destination's id for the effect (todo id, msgid), kept in the row; never personal data. */
  reference?: string;
}

/**
 * How a failed send is handled:
 * - `permanent`: the delivery itself is wrong; dead at once, not retried.
 * - `refused`: the destination will not take it (no consent); done as `refused`, the route may plan a fallback.
 * - `rateLimited`: the destination asked us to slow down; not an attempt, retried after `retryAfterMs`.
 * - `retryable`: transient; retried with capped exponential backoff and full jitter, then dead.
 */
export type FailureKind = 'permanent' | 'refused' | 'rateLimited' | 'retryable';

export interface FailureInfo {
  kind: FailureKind;
  retryAfterMs?: number;
  /** Text stored as the delivery's last error (truncated to 500 characters). */
  message: string;
}

/**
 * Sends deliveries to one destination. `send` resolves when the effect happened and throws
 * otherwise; `classify` maps what it throws to a kind (default: the error's own `kind` and
 * `retryAfterMs`, as the connectors' errors carry them). A connector's classifier can be given as
 * it is (e.g. `classifyDingtalkError`): `tokenStale`/`authExpired` count as `retryable`, and any
 * kind that is not a {@link FailureKind} as `permanent`.
 */
export interface DeliverySender {
  destination: string;
  send(delivery: DeliveryRecord): Promise<SendOutcome | undefined>;
  classify?(error: unknown): { kind: string; retryAfterMs?: number | undefined };
}

export type DeliveryStatus = 'pending' | 'delivered' | 'refused' | 'dead';

/** A delivery as senders, routes and the admin API see it. */
export interface DeliveryRecord {
  id: string;
  /** The outbox message it was planned from (null for a fallback of a refused delivery). */
  outboxId: string | null;
  /** The refused delivery this one replaces. */
  parentId: string | null;
  route: string;
  topic: string;
  destination: string;
  key: string;
  orderKey: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  /** Attempts that failed or succeeded (rate limits and open breakers are not attempts). */
  attempts: number;
  nextAttemptAt: number;
  /** Set while an instance is sending it. */
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  reference: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}
