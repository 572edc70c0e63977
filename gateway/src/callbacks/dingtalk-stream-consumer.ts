import {
  type BackoffRange,
  createStreamClient,
  type StreamClient,
  type StreamEvent,
  type StreamEventStatus,
} from '@gcrm/connectors/dingtalk/stream';
import type { Logger } from 'pino';
import { describeUnexpected } from '../platform/logger';
import type { InboxService } from './inbox.service';

export interface DingtalkStreamConsumerOptions {
  /** New-generation API origin: `https://api.dingtalk.com`, or the Stream gateway simulator's URL. */
  apiBase: string;
  /** AppKey. */
  clientId: string;
  /** AppSecret: never logged. */
  clientSecret: string;
  log?: Logger;
  reconnect?: BackoffRange;
  keepAliveMs?: number;
}

const SOURCE = 'dingtalk';

/**
 * DINGTALK_MODE=stream: keeps a DingTalk Stream connection (platforms.md §2.9) and writes each EVENT
 * into the same inbox as the HTTP push, under source `dingtalk` and key `event:<eventId>`, with the
 * same flat payload (`{EventType, ...data}`), so handlers do not care how an event came in.
 *
 * An event is acked `SUCCESS` only after its row is committed (or found: a redelivery), `LATER` when
 * the database write fails, so DingTalk redelivers it. The handler runs after the ack.
 */
export class DingtalkStreamConsumer {
  private readonly client: StreamClient;
  private readonly log: Logger | undefined;

  constructor(
    private readonly inbox: InboxService,
    options: DingtalkStreamConsumerOptions,
  ) {
    const log = options.log;
    this.client = createStreamClient({
      apiBase: options.apiBase,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
      onEvent: (event) => this.handle(event),
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
      ...(log
        ? {
            logger: {
              info: (message, fields) => log.info(fields ?? {}, message),
              warn: (message, fields) => log.warn(fields ?? {}, message),
              error: (message, fields) => log.error(fields ?? {}, message),
            },
          }
        : {}),
    });
    this.log = log;
  }

  /** Connects; resolves once the first connection is open (transient failures are retried meanwhile). */
  start(): Promise<void> {
    return this.client.start();
  }

  /** Stops taking events, lets in-flight acks finish, then waits for the runs it started. */
  async stop(): Promise<void> {
    await this.client.stop();
    await this.inbox.drain();
  }

  get state() {
    return this.client.state;
  }

  /** Stores one EVENT; the ack status for it. */
  async handle(event: StreamEvent): Promise<StreamEventStatus> {
    let received: Awaited<ReturnType<InboxService['receive']>>;
    try {
      received = await this.inbox.receive({
        source: SOURCE,
        eventType: event.eventType,
        dedupeKey: `event:${event.eventId}`,
        payload: { EventType: event.eventType, ...event.data },
      });
    } catch (error) {
      this.log?.warn(
        { err: describeUnexpected(error), eventType: event.eventType },
        'stream event not stored',
      );
      return 'LATER';
    }
    // processSoon starts on a later turn, after the client has sent the ack this promise resolves to.
    if (!received.duplicate && received.status === 'pending') this.inbox.processSoon(received.id);
    return 'SUCCESS';
  }
}
