import { describe, expect, it } from 'vitest';
import { journalOutage } from './outage.js';

describe('the supervision guide (docs/supervision.md) runs as written', () => {
  it('a journal outage: 1,000 accounts stop, come back spread over the backoff window, with what was stored', async () => {
    const report = await journalOutage(1000);
    expect(report.stopped).toBe(1000);
    expect(report.restarted).toBe(1000);
    expect(report.firstRestartMs).toBeGreaterThanOrEqual(1000);
    expect(report.lastRestartMs).toBeLessThanOrEqual(1500);
    // Spread over 500 ms: about two per millisecond, never a herd (all 1,000 at once without the random factor).
    expect(report.busiestMillisecond).toBeLessThan(50);
    expect(report.recoveredBalances).toEqual(new Set([10]));
  });
});
