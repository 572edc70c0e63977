import { randomUUID } from 'node:crypto';

/**
 * One DingTalk event as the simulator emits it (e.g. `bpms_task_change`). `data` holds the event's
 * fields (`processInstanceId`, `type`, `result`, `staffId`, …) without `EventType`; each transport
 * shapes it its own way (HTTP push: flat `{EventType, ...data}`; Stream: headers + `data` JSON).
 */
export interface DingtalkSimulatorEvent {
  eventType: string;
  /** Unique per event; redeliveries and test-only duplicates keep it. */
  eventId: string;
  corpId: string;
  /** Epoch ms on the simulator clock. */
  bornTime: number;
  data: Record<string, unknown>;
}

/**
 * Where the simulator delivers events: the HTTP callback sink, or the Stream gateway
 * (`connectors/dingtalk/stream`). `publish` must not throw and must not block: a sink queues,
 * delivers and retries on its own.
 */
export interface DingtalkEventSink {
  publish(event: {
    eventType: string;
    eventId: string;
    corpId: string;
    bornTime: number;
    data: Record<string, unknown>;
  }): void;
}

/** Test-only delivery faults, applied to every sink. */
export interface EventDeliveryQuirks {
  /** Publish every event twice (same eventId), as DingTalk may. */
  duplicate?: boolean;
  /** Publish the events of one action (e.g. task finish + instance finish) in reverse order. */
  reorder?: boolean;
}

/** Fans the simulator's events out to its sinks and keeps a log of what was published. */
export interface EventHub {
  /** Add a sink; returns a function that removes it. */
  addSink(sink: DingtalkEventSink): () => void;
  /** Emit the events of one action, in the order they happened. */
  emit(batch: { eventType: string; data: Record<string, unknown> }[]): DingtalkSimulatorEvent[];
  setQuirks(quirks: EventDeliveryQuirks): void;
  /** Every published event, in publish order (duplicates included). */
  published(): DingtalkSimulatorEvent[];
}

export function createEventHub(options: { corpId: string; now: () => number }): EventHub {
  const sinks = new Set<DingtalkEventSink>();
  const log: DingtalkSimulatorEvent[] = [];
  let quirks: EventDeliveryQuirks = {};

  function publish(event: DingtalkSimulatorEvent) {
    log.push(event);
    for (const sink of sinks) {
      try {
        sink.publish(structuredClone(event));
      } catch {
        // A faulty sink must not stop the others nor the API call that caused the event.
      }
    }
  }

  return {
    addSink(sink) {
      sinks.add(sink);
      return () => {
        sinks.delete(sink);
      };
    },
    emit(batch) {
      const events = batch.map(({ eventType, data }) => ({
        eventType,
        eventId: randomUUID().replaceAll('-', ''),
        corpId: options.corpId,
        bornTime: options.now(),
        data,
      }));
      const order = quirks.reorder ? [...events].reverse() : events;
      for (const event of order) {
        publish(event);
        if (quirks.duplicate) publish(event);
      }
      return events;
    },
    setQuirks(next) {
      quirks = { ...next };
    },
    published: () => structuredClone(log),
  };
}
