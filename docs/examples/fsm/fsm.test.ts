import { describe, expect, it } from 'vitest';
import { holdAcrossRestart } from './holdAcrossRestart.js';

describe('the persistent FSM guide (docs/fsm.md) runs as written', () => {
  it('holdAcrossRestart: the reminder and the expiry fire at their stored times after a restart', async () => {
    expect(await holdAcrossRestart()).toEqual([
      '0 min: held',
      // Due while the seat was down: delivered as soon as recovery completes, before the status query.
      '8 min: ada: 2 minutes left to pay',
      '8 min: recovered Held',
      '10 min: ada: the hold expired',
      '13 min: Available',
    ]);
  });
});
