import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import type { FailureInfo } from './delivery.types';

export interface BreakerOptions {
  /** Consecutive transient failures that open a destination's breaker. Default 5. */
  threshold: number;
  /** How long it stays open before one probe send is let through. Default 30 s. */
  halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 5, halfOpenAfterMs: 30_000 };

export type BreakerState = 'closed' | 'open' | 'halfOpen' | 'isolated';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'halfOpen',
  [CircuitState.Isolated]: 'isolated',
};

/** True for what an open breaker throws instead of running the send. */
export function isBrokenCircuit(error: unknown): boolean {
  return error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError;
}

/**
 * One cockatiel circuit breaker per destination, in this instance. Only transient failures
 * (`retryable`) count: a wrong payload or a refused consent says nothing about the destination's
 * health, and rate limits have their own pause. While a breaker is open its destination's rows are
 * not claimed, so no attempt is burned.
 */
export class DestinationBreakers {
  private readonly policies = new Map<string, { policy: CircuitBreakerPolicy; openedAt: number }>();

  constructor(private readonly options: BreakerOptions) {}

  policy(destination: string, classify: (error: unknown) => Pick<FailureInfo, 'kind'>): CircuitBreakerPolicy {
    let entry = this.policies.get(destination);
    if (!entry) {
      const policy = circuitBreaker(
        handleWhen((error) => classify(error).kind === 'retryable'),
        {
          halfOpenAfter: this.options.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(this.options.threshold),
        },
      );
      const created = { policy, openedAt: 0 };
      policy.onBreak(() => {
        created.openedAt = Date.now();
      });
      this.policies.set(destination, created);
      entry = created;
    }
    return entry.policy;
  }

  /**
   * Epoch ms until which `destination` takes no sends (0 when it takes them): open and not yet due
   * for its probe, or half-open with the probe under way.
   */
  blockedUntil(destination: string): number {
    const entry = this.policies.get(destination);
    if (!entry) return 0;
    const now = Date.now();
    switch (entry.policy.state) {
      case CircuitState.Open: {
        const until = entry.openedAt + this.options.halfOpenAfterMs;
        return until > now ? until : 0;
      }
      case CircuitState.HalfOpen:
        return now + 1000;
      case CircuitState.Isolated:
        return now + this.options.halfOpenAfterMs;
      default:
        return 0;
    }
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.policies].map(([d, e]) => [d, STATE_NAMES[e.policy.state]]));
  }
}
