import { requireNumber } from '../errors/index.js';

export interface UpdateOptions {
  /**
   * Hold every message sent after this one until the update is done: a command that follows an
   * awaited `Update` sees everything stored when the update began. Default false.
   */
  readonly await?: boolean;
  /** Apply at most this many events in this update. Default: no limit. */
  readonly replayMax?: number;
}

/**
 * Asks a persistent view to read, now, what it has not applied yet of the events stored (as
 * Akka's `Update`): `view.tell(new Update({ await: true }))`. A view without `autoUpdate` reads
 * only when it starts and on this message.
 */
export class Update {
  readonly type = 'Update';
  readonly await: boolean;
  readonly replayMax: number;

  constructor(options: UpdateOptions = {}) {
    this.await = options.await ?? false;
    this.replayMax = requireNumber('Update replayMax', options.replayMax ?? Infinity, { min: 1, integer: true, allowInfinity: true });
  }
}
