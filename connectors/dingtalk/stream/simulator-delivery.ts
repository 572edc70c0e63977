import { randomBytes } from 'node:crypto';
import { type BackoffRange, backoffDelay } from './backoff';
import { eventAckStatus, type StreamAck, type StreamFrame } from './frames';

/**
 * An event as the DingTalk simulator hands it over (the `DingtalkEventSink.publish` argument of
 * `connectors/dingtalk/simulator/events.ts`).
 */
export interface StreamPublishedEvent {
  eventType: string;
  eventId: string;
  corpId: string;
  /** Epoch ms. */
  bornTime: number;
  data: Record<string, unknown>;
}

/** How one delivery attempt ended; `in-flight` until the ack, the ack timeout or the socket's close. */
export type StreamDeliveryOutcome = 'in-flight' | 'SUCCESS' | 'LATER' | 'timeout' | 'connection-closed';

/** One EVENT frame sent, and the ack it got. */
export interface StreamDelivery {
  messageId: string;
  eventId: string;
  eventType: string;
  connectionId: string;
  /** 1 for the first delivery of this copy of the event. */
  attempt: number;
  sentAt: number;
  frame: StreamFrame;
  outcome: StreamDeliveryOutcome;
  /** The ack, also when it came after the timeout (the event was redelivered anyway). */
  ack?: StreamAck;
  ackedAt?: number;
}

/** Picks a connection for `event`, sends it as frame `messageId`; undefined when no connection can take it. */
export type Dispatch = (
  event: StreamPublishedEvent,
  messageId: string,
) => { connectionId: string; frame: StreamFrame } | undefined;

export interface DeliveryQueueOptions {
  ackTimeoutMs: number;
  redelivery: BackoffRange;
  random: () => number;
  dispatch: Dispatch;
}

interface Pending {
  event: StreamPublishedEvent;
  attempts: number;
  inFlight: string | undefined;
  waiting: NodeJS.Timeout | undefined;
}

interface Flight {
  item: Pending;
  record: StreamDelivery;
  timer: NodeJS.Timeout;
}

/** Deliveries kept for {@link DeliveryQueue.deliveries}; older ones are forgotten. */
const MAX_RECORDS = 10_000;

/**
 * At-least-once delivery of published events: each pending event goes to one connection at a time; no
 * ack within `ackTimeoutMs`, a `LATER` ack or a closed socket puts it back after a backoff. Faults:
 * duplicate deliveries after SUCCESS, and reversed order of the events ready at the same time.
 */
export class DeliveryQueue {
  private readonly items: Pending[] = [];
  private readonly flights = new Map<string, Flight>();
  private readonly records: StreamDelivery[] = [];
  private readonly byMessageId = new Map<string, StreamDelivery>();
  private pumpTimer: NodeJS.Timeout | undefined;
  private duplicates = 0;
  private reorder = false;
  private closed = false;

  constructor(private readonly options: DeliveryQueueOptions) {}

  publish(event: StreamPublishedEvent): void {
    if (this.closed) return;
    this.items.push({ event, attempts: 0, inFlight: undefined, waiting: undefined });
    this.kick();
  }

  /** Try to send what is ready, soon (events published in the same tick go out together). */
  kick(): void {
    if (this.pumpTimer !== undefined || this.closed) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, 0);
  }

  /** Settle the delivery `ack` answers; false when it answers no event delivery. */
  onAck(ack: StreamAck): boolean {
    const messageId = ack.headers.messageId;
    if (this.flights.has(messageId)) {
      this.settle(messageId, eventAckStatus(ack), ack);
      return true;
    }
    const late = this.byMessageId.get(messageId);
    if (late === undefined || late.ack !== undefined) return false;
    late.ack = ack;
    late.ackedAt = Date.now();
    return true;
  }

  /** Deliveries in flight on `connectionId` failed: they go back in the queue. */
  onConnectionClosed(connectionId: string): void {
    for (const [messageId, flight] of [...this.flights]) {
      if (flight.record.connectionId === connectionId) this.settle(messageId, 'connection-closed');
    }
  }

  /** The next `count` events acked SUCCESS are delivered once more. */
  duplicateNext(count: number): void {
    this.duplicates += count;
  }

  /** Send the events that are ready at the same time newest first. */
  setReorder(on: boolean): void {
    this.reorder = on;
  }

  deliveries(): StreamDelivery[] {
    return structuredClone(this.records);
  }

  /** Events not yet acked SUCCESS (in flight or waiting for redelivery or a connection). */
  pending(): number {
    return this.items.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.pumpTimer);
    for (const flight of this.flights.values()) clearTimeout(flight.timer);
    for (const item of this.items) clearTimeout(item.waiting);
    this.flights.clear();
  }

  private pump(): void {
    const ready = this.items.filter((item) => item.inFlight === undefined && item.waiting === undefined);
    if (this.reorder) ready.reverse();
    for (const item of ready) {
      const messageId = newMessageId();
      const sent = this.options.dispatch(item.event, messageId);
      if (sent === undefined) continue;
      item.attempts += 1;
      item.inFlight = messageId;
      const record: StreamDelivery = {
        messageId,
        eventId: item.event.eventId,
        eventType: item.event.eventType,
        connectionId: sent.connectionId,
        attempt: item.attempts,
        sentAt: Date.now(),
        frame: sent.frame,
        outcome: 'in-flight',
      };
      this.remember(record);
      const timer = setTimeout(() => this.settle(messageId, 'timeout'), this.options.ackTimeoutMs);
      this.flights.set(messageId, { item, record, timer });
    }
  }

  private settle(messageId: string, outcome: Exclude<StreamDeliveryOutcome, 'in-flight'>, ack?: StreamAck) {
    const flight = this.flights.get(messageId);
    if (flight === undefined) return;
    this.flights.delete(messageId);
    clearTimeout(flight.timer);
    const { item, record } = flight;
    record.outcome = outcome;
    if (ack !== undefined) {
      record.ack = ack;
      record.ackedAt = Date.now();
    }
    item.inFlight = undefined;
    if (this.closed) return;
    if (outcome === 'SUCCESS') {
      this.items.splice(this.items.indexOf(item), 1);
      if (this.duplicates > 0) {
        this.duplicates -= 1;
        this.publish(item.event);
      }
      return;
    }
    const delay = backoffDelay(item.attempts, this.options.redelivery, this.options.random);
    item.waiting = setTimeout(() => {
      item.waiting = undefined;
      this.kick();
    }, delay);
  }

  private remember(record: StreamDelivery) {
    this.records.push(record);
    this.byMessageId.set(record.messageId, record);
    if (this.records.length > MAX_RECORDS) {
      const old = this.records.shift();
      if (old) this.byMessageId.delete(old.messageId);
    }
  }
}

let messageCounter = 0;

/** A message id shaped like DingTalk's (`213d841d_972_1898bb26334_70a7`). */
export function newMessageId(): string {
  messageCounter += 1;
  return `${randomBytes(4).toString('hex')}_${messageCounter}_${Date.now().toString(16)}_${randomBytes(2).toString('hex')}`;
}
