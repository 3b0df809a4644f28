import { cpus } from 'node:os';
import type { TimedSpan } from '../persistThroughput.js';

/** CPU time spent over a measured span, split between this process and the rest of the machine. */
export interface CpuFigure {
  /** This process: the engine, the store and the driver (or the raw baseline's driver calls). */
  readonly clientMs: number;
  /** Every other process: on a quiet machine, the PostgreSQL server. */
  readonly restMs: number;
}

function machineBusyMs(): number {
  let busy = 0;
  for (const cpu of cpus()) busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busy;
}

/**
 * Measures CPU time between `started` and `stopped`. The machine's total comes from the kernel's
 * per-CPU counters, so it also covers server backends that exit before the span is read.
 */
export class CpuMeter implements TimedSpan {
  private client: NodeJS.CpuUsage | undefined;
  private machine = 0;
  private result: CpuFigure | undefined;

  started(): void {
    this.machine = machineBusyMs();
    this.client = process.cpuUsage();
  }

  stopped(): void {
    const client = process.cpuUsage(this.client);
    const machine = machineBusyMs() - this.machine;
    const clientMs = (client.user + client.system) / 1000;
    this.result = { clientMs, restMs: Math.max(0, machine - clientMs) };
  }

  get figure(): CpuFigure {
    if (this.result === undefined) throw new Error('the CPU meter was not started and stopped');
    return this.result;
  }

  /** Measures `work`. */
  static async around<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuFigure }> {
    const meter = new CpuMeter();
    meter.started();
    const result = await work();
    meter.stopped();
    return { result, cpu: meter.figure };
  }
}

/** "client 8.1 + server 12.0 µs/event". */
export function cpuPerEvent(cpu: CpuFigure, events: number): string {
  const us = (ms: number) => ((ms * 1000) / events).toFixed(1);
  return `${us(cpu.clientMs)} + ${us(cpu.restMs)}`;
}
