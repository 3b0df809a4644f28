import { formatRate } from '../../lib/report.js';
import { inFlightOf } from '../persistThroughput.js';
import type { RecoveryFigure } from '../recoverAll.js';
import { printTable } from '../table.js';
import { cpuPerEvent } from './CpuMeter.js';
import type { Measured } from './freshProcess.js';
import type { EmmettAggregateFigures, FieldFigures, OneActorRecovery } from './recoveryFigures.js';
import type { EmmettWriteFigure, WriteFigure } from './writeFigures.js';

const count = (value: number) => value.toLocaleString('en');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const percent = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const total = (w: WriteFigure) => w.shape.actors * w.shape.perActor;

function byName<T extends { shape: { name: string } }>(figures: readonly T[], name: string): T {
  const figure = figures.find((f) => f.shape.name === name);
  if (figure === undefined) throw new Error(`no figure for "${name}"`);
  return figure;
}

/** The name of the shape whose commands are sent with `ask` (the issue's workload). */
export const ASKED = '1,000 actors, each command asked';
const TOLD = '1,000 actors concurrently';

/** The issue's ask workload next to the same actors told, each with the raw 4-connection INSERT of its own runs. */
export function printAsked(writes: readonly WriteFigure[]): void {
  const us = (ms: number, events: number) => ((ms * 1000) / events).toFixed(1);
  const row = (label: string, w: WriteFigure) => [
    `${label} (${count(total(w))} events, up to ${inFlightOf(w.shape)} in flight per actor)`,
    `${formatRate(w.engram.rate)} ev/s`,
    w.runs.map((r) => formatRate(r.engram.rate)).join(', '),
    `${formatRate(w.raw4.rate)} rows/s`,
    ratio(w.engram.rate, w.raw4.rate),
    us(w.engram.cpu.clientMs, total(w)),
    us(w.engram.cpu.restMs, total(w)),
    `${count(w.engram.calls)} calls, ${w.engram.eventsPerCall.toFixed(0)} ev/call`,
  ];
  printTable(
    '1,000 actors, one event per command, engram defaults (4 journal calls in flight). ask: each command sent with ask and answered by ' +
      'thenReply after its event is stored, the answer sends the next (as clients of an HTTP handler do); tell: told, a side effect after the ' +
      "event is stored sends the next. raw 4 conns: pg 1,000-row INSERTs on 4 connections, same run. CPU over the timed span: engram's " +
      'process (process.cpuUsage) and the rest of the machine (the server, when the machine is otherwise quiet), µs per event',
    ['workload', 'engram (median)', 'runs', 'raw, 4 conns', 'engram/raw 4', 'client CPU µs/ev', 'server CPU µs/ev', 'journal calls'],
    [row('ask + thenReply', byName(writes, ASKED)), row('tell + reply sink', byName(writes, TOLD))],
  );
}

export function printWrites(writes: readonly WriteFigure[], emmett: readonly EmmettWriteFigure[]): void {
  printTable(
    'Persist throughput, one event per command. engram: as many commands per actor in flight as it has, up to 1,000 (up to 200 when asked; clients awaiting answers) until the last ' +
      'is stored and handled (tell: a side effect after the event is stored; ask: thenReply); "defaults" = 4 journal calls in flight (the PostgresJournal\'s writeConcurrency), "1 in flight" = ' +
      'persistence.maxConcurrentWrites 1. raw: pg multi-row INSERT ... VALUES of the same rows, as many per statement as one group ' +
      'commit can hold, autocommit, on 1 and 4 connections',
    ['workload', 'engram, defaults', 'engram, 1 in flight', 'raw, 1 conn', 'raw, 4 conns', 'defaults/raw 4', '1 in flight/raw 1', 'journal calls (defaults)'],
    writes.map((w) => [
      `${w.shape.name} (${count(total(w))} events, ${w.shape.send ?? 'tell'}, raw ${w.shape.rawBatch} rows/statement)`,
      `${formatRate(w.engram.rate)} ev/s`,
      `${formatRate(w.engram1.rate)} ev/s`,
      `${formatRate(w.raw1.rate)} rows/s`,
      `${formatRate(w.raw4.rate)} rows/s`,
      ratio(w.engram.rate, w.raw4.rate),
      ratio(w.engram1.rate, w.raw1.rate),
      `${count(w.engram.calls)} calls, ${w.engram.eventsPerCall.toFixed(0)} ev/call`,
    ]),
  );
  printTable(
    'CPU time per event of the median runs, µs: this process (engine, store, driver) + the rest of the machine (the server, when the machine is otherwise quiet); 2 cores = 2,000,000 µs per second',
    ['workload', 'engram, defaults', 'engram, 1 in flight', 'raw, 1 conn', 'raw, 4 conns'],
    writes.map((w) => [
      w.shape.name,
      cpuPerEvent(w.engram.cpu, total(w)),
      cpuPerEvent(w.engram1.cpu, total(w)),
      cpuPerEvent(w.raw1.cpu, total(w)),
      cpuPerEvent(w.raw4.cpu, total(w)),
    ]),
  );
  const engramOf = (streams: number) => byName(writes, streams === 100 ? '100 actors concurrently' : '1,000 actors concurrently').engram.rate;
  printTable(
    'Emmett 0.42 appendToStream: streams appending concurrently, each one call at a time with its expected version (as a command handler does), next to as many engram actors (defaults), one event per command',
    ['workload', 'emmett', 'runs', 'CPU µs/event', 'engram, as many actors', 'engram/emmett'],
    emmett.map((e) => {
      const events = e.shape.streams * e.shape.calls * e.shape.eventsPerCall;
      return [
        `${e.shape.name} (${count(events)} events)`,
        `${formatRate(e.rate)} ev/s`,
        e.runs.map((r) => formatRate(r.rate)).join(', '),
        cpuPerEvent(e.cpu, events),
        `${formatRate(engramOf(e.shape.streams))} ev/s${e.shape.eventsPerCall > 1 ? ' (1 event/command)' : ''}`,
        ratio(engramOf(e.shape.streams), e.rate),
      ];
    }),
  );
}

export function printRecoveries(one: OneActorRecovery, field: FieldFigures, aggregate: EmmettAggregateFigures): void {
  const engram = one.engram.figure;
  const emmett = aggregate.median.figure;
  printTable(
    `Recovery of one actor with ${count(one.events)} events (median rate; memory: the largest peak growth of the runs, sampled every 10 ms; ` +
      `raw: pg cursor over the naive table, pages of 2,000, JSON.parse of every payload)`,
    ['', 'events/s', 'time', 'peak RSS growth', 'peak heap growth', 'CPU µs/event', 'engram / this'],
    [
      ['engram: actor recovery (journal replay into the event handler)', formatRate(engram.eventsPerSecond), `${engram.seconds.toFixed(2)} s`, mib(engram.peakRssGrowthMiB), mib(engram.peakHeapGrowthMiB), cpuPerEvent(one.engram.cpu, one.events), '1.00x'],
      ...[
        ['raw cursor, sequence nr + payload', one.rawPayload],
        ['raw cursor, every field a repr needs (seq, writer, timestamp, manifest, payload)', one.rawAllFields],
      ].map(([name, measured]) => {
        const read = measured as OneActorRecovery['rawPayload'];
        return [name as string, formatRate(read.figure.rowsPerSecond), `${read.figure.seconds.toFixed(2)} s`, '', '', cpuPerEvent(read.cpu, one.events), ratio(engram.eventsPerSecond, read.figure.rowsPerSecond)];
      }),
      ['emmett aggregateStream', formatRate(emmett.eventsPerSecond), `${emmett.seconds.toFixed(2)} s`, mib(emmett.peakRssGrowthMiB), mib(emmett.peakHeapGrowthMiB), cpuPerEvent(aggregate.median.cpu, emmett.events), ratio(engram.eventsPerSecond, emmett.eventsPerSecond)],
    ],
  );
  console.log(
    `runs: engram ${one.engramRuns.map((r) => `${formatRate(r.eventsPerSecond)} (${mib(r.peakRssGrowthMiB)} RSS)`).join(', ')}; ` +
      `emmett ${aggregate.runs.map((r) => `${formatRate(r.eventsPerSecond)} (${mib(r.peakRssGrowthMiB)} RSS)`).join(', ')}; ` +
      `raw fill of the same events: ${formatRate(one.rawFillRate)} rows/s (1,000-row INSERTs, 4 connections)`,
  );
  const fieldRow = (name: string, measured: Measured<RecoveryFigure>) => {
    const f = measured.figure;
    return [name, `${f.seconds.toFixed(2)} s`, `${count(f.eventsReplayed)} events`, `${formatRate(f.eventsReplayed / f.seconds)} ev/s`, mib(f.peakRssGrowthMiB), cpuPerEvent(measured.cpu, f.eventsReplayed)];
  };
  printTable(
    `The field case: ${count(field.total)} events over ${count(field.actors)} actors (${field.description}), every actor recovered, ` +
      '50 at a time (median of the runs). Akka Persistence on a 3-node Cassandra cluster, no snapshots: 5 min 21 s ' +
      "(the field report's figure, other hardware)",
    ['', 'all recovered in', 'replayed', 'rate', 'peak RSS growth', 'CPU µs/event'],
    [
      fieldRow('no snapshots', field.withoutSnapshots),
      [
        "raw: every stream read from the journal's table by bare pg (seq nr + payload, JSON.parse), 50 at a time on 10 connections",
        `${field.raw.figure.seconds.toFixed(2)} s`,
        `${count(field.raw.figure.rows)} rows`,
        `${formatRate(field.raw.figure.rowsPerSecond)} rows/s`,
        '',
        cpuPerEvent(field.raw.cpu, field.raw.figure.rows),
      ],
      fieldRow('snapshots every 200 events (latest 2 kept)', field.withSnapshots),
    ],
  );
}

export function printGoals(writes: readonly WriteFigure[], emmett: readonly EmmettWriteFigure[], one: OneActorRecovery, aggregate: EmmettAggregateFigures): void {
  const thousand = byName(writes, TOLD);
  const emmett1000 = emmett.find((e) => e.shape.streams === 1_000 && e.shape.eventsPerCall === 1);
  const emmett100 = byName(emmett, '100 streams, 1 event per call');
  const emmettSame = emmett1000 ?? emmett100;
  const engram = one.engram.figure;
  const rawRead = one.rawPayload.figure.rowsPerSecond;
  const aggregateRate = aggregate.median.figure.eventsPerSecond;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const rows: [string, string, string][] = [
    ['1,000 concurrent actors >= 50,000 events/s', `${formatRate(thousand.engram.rate)} ev/s`, verdict(thousand.engram.rate >= 50_000)],
    [
      '... >= 50% of the raw 4-connection limit (1,000-row INSERTs)',
      `${percent(thousand.engram.rate, thousand.raw4.rate)} of ${formatRate(thousand.raw4.rate)} rows/s`,
      verdict(thousand.engram.rate >= 0.5 * thousand.raw4.rate),
    ],
    [
      `... >= 10x Emmett, one event per command (${emmettSame.shape.streams} streams)`,
      `${ratio(thousand.engram.rate, emmettSame.rate)} of ${formatRate(emmettSame.rate)} ev/s`,
      verdict(thousand.engram.rate >= 10 * emmettSame.rate),
    ],
    ['1M-event recovery >= 200,000 events/s', `${formatRate(engram.eventsPerSecond)} ev/s`, verdict(engram.eventsPerSecond >= 200_000)],
    ['... >= 80% of the raw cursor read (sequence nr + payload)', `${percent(engram.eventsPerSecond, rawRead)} of ${formatRate(rawRead)} rows/s`, verdict(engram.eventsPerSecond >= 0.8 * rawRead)],
    ['... peak memory growth under 100 MB', `${mib(engram.peakRssGrowthMiB)} RSS, ${mib(engram.peakHeapGrowthMiB)} heap`, verdict(engram.peakRssGrowthMiB * 1.048576 < 100 && engram.peakHeapGrowthMiB * 1.048576 < 100)],
    ["... >= 2.5x Emmett's aggregateStream", `${ratio(engram.eventsPerSecond, aggregateRate)} of ${formatRate(aggregateRate)} ev/s`, verdict(engram.eventsPerSecond >= 2.5 * aggregateRate)],
  ];
  printTable('Goals (from the PostgreSQL issue)', ['goal', 'measured', ''], rows);
}
