import { describe, expect, it } from 'vitest';
import { Meter } from './Meter.js';

const ms = 1e6;

describe('Meter', () => {
  it('counts 2xx as successes and every other status and network failure as an error, by kind with its first body', () => {
    const meter = new Meter(0);
    meter.record({ kind: 'status', status: 200 }, 1 * ms);
    meter.record({ kind: 'status', status: 201 }, 1 * ms);
    meter.record({ kind: 'status', status: 404, body: '{"error":"account_not_found","message":"no account x"}' }, 1 * ms);
    meter.record({ kind: 'status', status: 404, body: '{"error":"account_not_found","message":"no account y"}' }, 1 * ms);
    meter.record({ kind: 'status', status: 503, body: 'Service Unavailable' }, 1 * ms);
    meter.record({ kind: 'network', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 1 * ms);

    const whole = meter.whole(2_000);
    expect(whole.ok).toBe(2);
    expect(whole.errors).toBe(4);
    expect(whole.seconds).toBe(2);
    expect(meter.errorKinds()).toEqual([
      { key: 'HTTP 404 account_not_found', count: 2, example: '{"error":"account_not_found","message":"no account x"}' },
      { key: 'HTTP 503 ', count: 1, example: 'Service Unavailable' },
      { key: 'network ECONNREFUSED', count: 1, example: 'connect ECONNREFUSED 127.0.0.1:1' },
    ]);
  });

  it('cuts intervals that start empty while the whole keeps every request', () => {
    const meter = new Meter(0);
    for (let i = 0; i < 30; i++) meter.record({ kind: 'status', status: 200 }, 2 * ms);
    const first = meter.cut(1_000);
    for (let i = 0; i < 10; i++) meter.record({ kind: 'status', status: 200 }, 8 * ms);
    meter.record({ kind: 'status', status: 500, body: '{"error":"internal"}' }, 8 * ms);
    const second = meter.cut(3_000);

    expect(first).toMatchObject({ ok: 30, errors: 0, seconds: 1 });
    expect(first.p99Ms).toBeCloseTo(2, 1);
    expect(second).toMatchObject({ ok: 10, errors: 1, seconds: 2 });
    expect(second.p50Ms).toBeCloseTo(8, 1);
    expect(meter.whole(3_000)).toMatchObject({ ok: 40, errors: 1, seconds: 3 });
    expect(meter.cut(4_000)).toMatchObject({ ok: 0, errors: 0, seconds: 1, p50Ms: Number.NaN });
  });

  it('reports the latency percentiles of what it recorded', () => {
    const meter = new Meter(0);
    for (let i = 1; i <= 1_000; i++) meter.record({ kind: 'status', status: 200 }, i * ms);
    const whole = meter.whole(1_000);
    expect(whole.p50Ms).toBeGreaterThan(495);
    expect(whole.p50Ms).toBeLessThan(505);
    expect(whole.p99Ms).toBeGreaterThan(985);
    expect(whole.p99Ms).toBeLessThan(995);
  });
});
