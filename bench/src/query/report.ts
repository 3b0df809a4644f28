import { formatRate } from '../lib/report.js';
import { printTable } from '../persistence/table.js';
import type { IdleFigure } from './idleCost.js';
import { percentilesOf, type Percentiles } from './liveLatency.js';
import { perSecond, type Rate } from './rates.js';

export interface CatchUpRow {
  readonly name: string;
  readonly rate: Rate;
  /** The raw read the goal compares with. */
  readonly baseline: Rate;
}

/** "2.41 s", or how far a run got before its time budget stopped it. */
export function timeOf(rate: Rate): string {
  if (rate.stoppedShortOf === undefined) return `${rate.seconds.toFixed(2)} s`;
  return `stopped after ${rate.seconds.toFixed(0)} s at ${rate.count.toLocaleString('en')} of ${rate.stoppedShortOf.toLocaleString('en')}`;
}

export function printCatchUp(title: string, rows: readonly CatchUpRow[]): void {
  printTable(
    title,
    ['reader', 'events/s', 'time', 'of the raw read of the same columns'],
    rows.map((r) => [r.name, formatRate(perSecond(r.rate)), timeOf(r.rate), `${((100 * perSecond(r.rate)) / perSecond(r.baseline)).toFixed(0)}%`]),
  );
}

export interface ProjectionRow {
  readonly name: string;
  readonly engram: Rate;
  readonly raw: Rate;
  readonly rawName: string;
}

export function printProjections(title: string, rows: readonly ProjectionRow[]): void {
  printTable(
    title,
    ['projection', 'engram', 'raw loop', 'raw', 'engram/raw'],
    rows.map((r) => [
      `${r.name} (${r.engram.stoppedShortOf === undefined ? `${r.engram.count.toLocaleString('en')} events` : timeOf(r.engram)})`,
      `${formatRate(perSecond(r.engram))} ev/s`,
      r.rawName,
      `${formatRate(perSecond(r.raw))} ev/s`,
      `${(perSecond(r.engram) / perSecond(r.raw)).toFixed(2)}x`,
    ]),
  );
}

export interface LatencyRow {
  readonly name: string;
  readonly consumer: Percentiles;
  /** The writers' persist-to-stored times in the same run. */
  readonly ack: readonly number[] | Percentiles;
  readonly stored: number;
}

export function printLatency(title: string, rows: readonly LatencyRow[]): void {
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  printTable(
    title,
    ['consumer', 'persist -> consumer p50', 'p99', 'max', 'baseline: persist -> stored p50', 'p99', 'events measured / stored'],
    rows.map((r) => {
      const ack = Array.isArray(r.ack) ? percentilesOf(r.ack as readonly number[]) : (r.ack as Percentiles);
      return [r.name, ms(r.consumer.p50), ms(r.consumer.p99), ms(r.consumer.max), ms(ack.p50), ms(ack.p99), `${r.consumer.samples.toLocaleString('en')} / ${r.stored.toLocaleString('en')}`];
    }),
  );
}

export interface IdleRow {
  readonly name: string;
  readonly figure: IdleFigure;
}

export function printIdle(title: string, rows: readonly IdleRow[]): void {
  const withStatements = rows.some((r) => r.figure.statementsPerSecond !== undefined);
  printTable(
    title,
    ['idle consumers', 'reader calls/s', 'by call', ...(withStatements ? ['statements/s at the pool'] : [])],
    rows.map(({ name, figure: f }) => [
      name,
      f.readerCallsPerSecond.toFixed(1),
      [...f.byCall].map(([call, count]) => `${call} ${(count / f.seconds).toFixed(1)}/s`).join(', ') || 'none',
      ...(withStatements ? [f.statementsPerSecond === undefined ? '-' : f.statementsPerSecond.toFixed(1)] : []),
    ]),
  );
}
