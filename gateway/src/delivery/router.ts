import type { BackoffOptions } from './backoff';
import { fullJitterDelay } from './backoff';
import { errorText } from './classify';
import type { DeliveryRoute, PlannedDelivery, RoutedMessage } from './delivery.types';
import { type DeliveryStore, leaseToken, type NewDelivery, orderSeq } from './delivery-store';

export interface RouterOptions {
  owner: string;
  leaseMs: number;
  batchSize: number;
  backoff: BackoffOptions;
  now: () => number;
  random: () => number;
}

/**
 * Turns outbox messages into deliveries through the registered routes. Each batch is claimed with a
 * lease, so any number of instances may route at once; a batch's deliveries and the "routed" mark
 * are one transaction. A route that throws is retried with backoff, then the message is dead.
 */
export class OutboxRouter {
  private readonly byTopic = new Map<string, DeliveryRoute[]>();

  constructor(
    private readonly store: DeliveryStore,
    routes: readonly DeliveryRoute[],
    private readonly options: RouterOptions,
  ) {
    for (const route of routes) {
      for (const topic of route.topics) {
        const list = this.byTopic.get(topic) ?? [];
        list.push(route);
        this.byTopic.set(topic, list);
      }
    }
  }

  /** Routes one batch of due messages; returns how many messages it handled. */
  async routeOnce(): Promise<number> {
    const token = leaseToken(this.options.owner);
    const rows = await this.store.claimOutbox(
      token,
      this.options.now(),
      this.options.leaseMs,
      this.options.batchSize,
    );
    if (rows.length === 0) return 0;
    let settled = false;
    try {
      const routed: string[] = [];
      const deliveries: NewDelivery[] = [];
      for (const row of rows) {
        const message: RoutedMessage = {
          id: row.id,
          topic: row.topic,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          dedupeKey: row.dedupe_key,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
          createdAt: Number(row.created_at),
        };
        try {
          deliveries.push(...(await this.plan(message)));
          routed.push(row.id);
        } catch (error) {
          const attempts = Number(row.attempts) + 1;
          const now = this.options.now();
          await this.store.routingFailed(
            token,
            row.id,
            attempts,
            attempts >= this.options.backoff.maxAttempts,
            now + fullJitterDelay(attempts, this.options.backoff, this.options.random),
            errorText(error),
          );
        }
      }
      // Lost leases (this instance stalled past them) leave the batch to whoever holds them now.
      settled = await this.store.markRouted(token, routed, deliveries, this.options.now());
      return rows.length;
    } finally {
      // Every row of the claim was marked routed or failed (each clears its lease) unless this failed.
      if (!settled) await this.store.releaseOutbox([token]);
    }
  }

  private async plan(message: RoutedMessage): Promise<NewDelivery[]> {
    const out: NewDelivery[] = [];
    for (const route of this.byTopic.get(message.topic) ?? []) {
      for (const planned of await route.plan(message)) {
        checkPlanned(route.name, planned);
        out.push({
          planned,
          outboxId: message.id,
          parentId: null,
          route: route.name,
          topic: message.topic,
          orderAt: message.createdAt,
          orderSeq: orderSeq(message.createdAt, message.id, out.length),
        });
      }
    }
    return out;
  }
}

/** A planned delivery must fit its columns; a route that plans otherwise has a bug (the message goes dead). */
export function checkPlanned(route: string, p: PlannedDelivery): void {
  const fits = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
  if (
    !fits(p.destination, 64) ||
    !fits(p.key, 191) ||
    !fits(p.orderKey, 191) ||
    typeof p.payload !== 'object' ||
    p.payload === null ||
    Array.isArray(p.payload)
  ) {
    throw new Error(
      `route ${route} planned an invalid delivery (destination ≤ 64, key and orderKey ≤ 191, payload an object)`,
    );
  }
}
