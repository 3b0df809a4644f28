import { RingQueue } from '../../actor/internal/RingQueue.js';

interface PermitRequest {
  readonly onGranted: () => void;
  granted: boolean;
  released: boolean;
}

/**
 * Limits how many actors recover at once, so a restart of thousands of actors does not hit the
 * stores all at the same moment (the thundering herd). Permits are granted in request order.
 */
export class RecoveryPermitter {
  private used = 0;
  private readonly waiting = new RingQueue<PermitRequest>();

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Calls `onGranted` when a permit is free (perhaps at once). Returns the release function: call it
   * when the recovery ends, or to give up a permit not yet granted; calling it again does nothing.
   */
  request(onGranted: () => void): () => void {
    const request: PermitRequest = { onGranted, granted: false, released: false };
    if (this.used < this.max && this.waiting.isEmpty) this.grant(request);
    else this.waiting.push(request);
    return () => {
      if (request.released) return;
      request.released = true;
      if (request.granted) {
        this.used--;
        this.grantNext();
      }
    };
  }

  private grant(request: PermitRequest): void {
    request.granted = true;
    this.used++;
    request.onGranted();
  }

  private grantNext(): void {
    while (this.used < this.max && !this.waiting.isEmpty) {
      const next = this.waiting.shift()!;
      if (!next.released) this.grant(next);
    }
  }
}
