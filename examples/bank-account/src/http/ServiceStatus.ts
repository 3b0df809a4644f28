import type { Logger } from '@engram/core';

export type Phase = 'starting' | 'ready' | 'stopping';

export interface Readiness {
  readonly ready: boolean;
  readonly phase: Phase;
  /** Why it is not ready; absent when it is. */
  readonly reason?: string;
}

/**
 * Where the service is in its life, for `GET /ready` and the routes that wait for start-up:
 * starting (the port is bound, the store not yet open), ready (and the store answers), stopping.
 */
export class ServiceStatus {
  private current: Phase = 'starting';
  private step = 'opening the store';
  private probe: (() => Promise<void>) | undefined;
  private probing: Promise<Readiness> | undefined;
  private storeFailing = false;

  constructor(private readonly log: Logger) {}

  get phase(): Phase {
    return this.current;
  }

  /** What start-up is doing now, for the 503s meanwhile. */
  starting(step: string): void {
    this.step = step;
  }

  /** Started; `probe` resolves when the store answers and rejects (naming why) when it does not. */
  ready(probe: () => Promise<void>): void {
    this.probe = probe;
    this.current = 'ready';
  }

  stopping(): void {
    this.current = 'stopping';
  }

  get startingReason(): string {
    return `the service is starting (${this.step})`;
  }

  /** Ready when started and the store answers; concurrent calls share one probe of the store. */
  readiness(): Promise<Readiness> {
    if (this.current === 'starting') return Promise.resolve({ ready: false, phase: 'starting', reason: this.startingReason });
    if (this.current === 'stopping') return Promise.resolve({ ready: false, phase: 'stopping', reason: 'the service is shutting down' });
    this.probing ??= this.probeStore().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probeStore(): Promise<Readiness> {
    try {
      await this.probe!();
    } catch (error) {
      // One log line when the store goes away and one when it is back, however often /ready is asked.
      if (!this.storeFailing) this.log.warn({ err: error }, 'the store does not answer; GET /ready answers 503 until it does');
      this.storeFailing = true;
      return { ready: false, phase: this.current, reason: (error as Error).message };
    }
    if (this.storeFailing) this.log.info('the store answers again; GET /ready answers 200');
    this.storeFailing = false;
    return { ready: true, phase: this.current };
  }
}
