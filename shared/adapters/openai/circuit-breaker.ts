/**
 * A small circuit breaker per key (project), so one project's failing key or quota does not
 * make every scheduled run wait on timeouts for it while other projects are fine.
 *
 * closed ──N consecutive failures──▶ open ──cool-down elapsed──▶ half_open (one trial call)
 * half_open ──trial succeeds──▶ closed;  half_open ──trial fails──▶ open (new cool-down)
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failureThreshold?: number;
  /** Time the circuit stays open before one trial call; default 60 s. */
  coolDownMs?: number;
  /** Epoch milliseconds; injectable so tests never sleep. */
  now?: () => number;
}

/** Returned by {@link CircuitBreaker.acquire}: report how the call went. */
export interface CircuitPermit {
  /** The provider answered (even with a caller error such as 400/404): the path works. */
  succeed(): void;
  /** A failure that says the provider or the key is unhealthy. */
  fail(): void;
}

/** The breaker of one key. */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private current: CircuitState = 'closed';
  private trialInFlight = false;
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private readonly now: () => number;

  public constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = Math.max(0, options.coolDownMs ?? 60_000);
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an open circuit whose cool-down elapsed reads `half_open`). */
  public get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.coolDownMs) return 'half_open';
    return this.current;
  }

  /**
   * Asks to make one call. Returns a permit, or the milliseconds to wait when the circuit
   * is open (or its one trial call is already in flight).
   *
   * @example
   * const permit = breaker.acquire();
   * if (typeof permit === 'number') throw new Error(`retry in ${permit} ms`);
   * try { await call(); permit.succeed(); } catch (error) { permit.fail(); throw error; }
   */
  public acquire(): CircuitPermit | number {
    const state = this.state;
    if (state === 'open') return Math.max(0, this.openedAt + this.coolDownMs - this.now());
    if (state === 'half_open') {
      if (this.trialInFlight) return this.coolDownMs;
      this.current = 'half_open';
      this.trialInFlight = true;
    }
    let settled = false;
    const isTrial = state === 'half_open';
    return {
      succeed: () => {
        if (settled) return;
        settled = true;
        if (isTrial) this.trialInFlight = false;
        this.consecutiveFailures = 0;
        this.current = 'closed';
      },
      fail: () => {
        if (settled) return;
        settled = true;
        if (isTrial) this.trialInFlight = false;
        this.consecutiveFailures += 1;
        if (isTrial || this.consecutiveFailures >= this.failureThreshold) {
          this.current = 'open';
          this.openedAt = this.now();
        }
      },
    };
  }
}

/** Breakers by key, created on first use with shared options. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  public constructor(private readonly options: CircuitBreakerOptions = {}) {}

  /**
   * The breaker for a key (a project id).
   *
   * @example
   * const registry = new CircuitBreakerRegistry({ failureThreshold: 3, coolDownMs: 30_000 });
   * registry.get('project-a').state; // 'closed'
   */
  public get(key: string): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }
}
