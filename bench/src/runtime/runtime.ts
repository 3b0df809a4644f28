/**
 * Actor runtime benchmark: tell throughput, ping-pong, ask round trips and many actors, each next
 * to two bare queues doing the same work in the same run: the async queue with a consumer loop
 * awaiting each item (a microtask per item), and a queue drained synchronously once per burst, the
 * queues of a workload sharing one drain loop (how Engram's dispatcher drains mailboxes; the
 * baseline to read Engram against). Prints figures;
 * asserts nothing.
 *
 *   npm run bench:runtime            (SCALE=0.1 for a quick run, REPS=n timed runs per figure, default 5)
 */
import { ActorSystem, ask, Behaviors, type ActorRef } from '@engram/core';
import { formatRate, machineLine, opsPerSecond } from '../lib/report.js';
import { printTable } from '../persistence/table.js';
import { intArg } from '../sqlite/workload.js';
import { AsyncQueue } from './AsyncQueue.js';
import { DrainLoop, DrainQueue } from './DrainQueue.js';

const scale = Number(process.env['SCALE'] ?? '1');
if (!(scale > 0)) throw new Error(`SCALE must be a positive number, got "${process.env['SCALE']}"`);
const reps = intArg('REPS', 5);
const n = (count: number) => Math.max(1, Math.round(count * scale));

const quiet = { logLevel: 'warn' as const };

async function tellOneActor(n: number): Promise<number> {
  const system = ActorSystem.create('bench', quiet);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let count = 0;
  const ref = system.spawn(
    Behaviors.receiveMessage<number>(() => {
      if (++count === n) done();
    }),
  );
  for (let i = 0; i < n; i++) ref.tell(i);
  await finished;
  await system.terminate();
  return n;
}

async function tellOneQueue(n: number): Promise<number> {
  const queue = new AsyncQueue<number>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let count = 0;
  queue.consume(() => {
    if (++count === n) done();
  });
  for (let i = 0; i < n; i++) queue.push(i);
  await finished;
  return n;
}

async function tellOneDrain(n: number): Promise<number> {
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let count = 0;
  const queue = new DrainQueue<number>(() => {
    if (++count === n) done();
  });
  for (let i = 0; i < n; i++) queue.push(i);
  await finished;
  return n;
}

type Ping = { readonly n: number; readonly replyTo: ActorRef<Ping> };

async function pingPongActors(roundTrips: number): Promise<number> {
  const system = ActorSystem.create('bench', quiet);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const player = Behaviors.receive<Ping>((ctx, ping) => {
    if (ping.n >= roundTrips * 2) return done();
    ping.replyTo.tell({ n: ping.n + 1, replyTo: ctx.self });
  });
  const a = system.spawn(player, 'a');
  const b = system.spawn(player, 'b');
  a.tell({ n: 0, replyTo: b });
  await finished;
  await system.terminate();
  return roundTrips * 2;
}

async function pingPongQueues(roundTrips: number): Promise<number> {
  type QPing = { readonly n: number; readonly replyTo: AsyncQueue<QPing> };
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const a = new AsyncQueue<QPing>();
  const b = new AsyncQueue<QPing>();
  const play = (self: AsyncQueue<QPing>) => (ping: QPing) => {
    if (ping.n >= roundTrips * 2) return done();
    ping.replyTo.push({ n: ping.n + 1, replyTo: self });
  };
  a.consume(play(a));
  b.consume(play(b));
  a.push({ n: 0, replyTo: b });
  await finished;
  return roundTrips * 2;
}

async function pingPongDrains(roundTrips: number): Promise<number> {
  type DPing = { readonly n: number; readonly replyTo: DrainQueue<DPing> };
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const play = (self: () => DrainQueue<DPing>) => (ping: DPing) => {
    if (ping.n >= roundTrips * 2) return done();
    ping.replyTo.push({ n: ping.n + 1, replyTo: self() });
  };
  const loop = new DrainLoop();
  const a: DrainQueue<DPing> = new DrainQueue(play(() => a), loop);
  const b: DrainQueue<DPing> = new DrainQueue(play(() => b), loop);
  a.push({ n: 0, replyTo: b });
  await finished;
  return roundTrips * 2;
}

type Get = { readonly replyTo: ActorRef<number> };

async function askActor(n: number): Promise<number> {
  const system = ActorSystem.create('bench', quiet);
  let value = 0;
  const ref = system.spawn(Behaviors.receiveMessage<Get>((m) => m.replyTo.tell(++value)));
  for (let i = 0; i < n; i++) await ask(ref, (replyTo: ActorRef<number>) => ({ replyTo }), { timeoutMs: 5000 });
  await system.terminate();
  return n;
}

async function askQueue(n: number): Promise<number> {
  const queue = new AsyncQueue<(value: number) => void>();
  let value = 0;
  queue.consume((reply) => reply(++value));
  for (let i = 0; i < n; i++) await new Promise<number>((resolve) => queue.push(resolve));
  return n;
}

/** The bare baseline plus what every real ask needs: a timeout per request. */
async function askQueueWithTimeout(n: number): Promise<number> {
  const queue = new AsyncQueue<(value: number) => void>();
  let value = 0;
  queue.consume((reply) => reply(++value));
  return asksWithTimeout(n, (reply) => queue.push(reply));
}

/** `n` requests one after another, each with a timeout armed and cleared, as a real ask does. */
async function asksWithTimeout(n: number, push: (reply: (value: number) => void) => void): Promise<number> {
  for (let i = 0; i < n; i++) {
    await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), 5000);
      push((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  }
  return n;
}

async function askDrain(n: number): Promise<number> {
  let value = 0;
  const queue = new DrainQueue<(value: number) => void>((reply) => reply(++value));
  for (let i = 0; i < n; i++) await new Promise<number>((resolve) => queue.push(resolve));
  return n;
}

async function askDrainWithTimeout(n: number): Promise<number> {
  let value = 0;
  const queue = new DrainQueue<(value: number) => void>((reply) => reply(++value));
  return asksWithTimeout(n, (reply) => queue.push(reply));
}

async function manyActors(actors: number, perActor: number): Promise<number> {
  const system = ActorSystem.create('bench', quiet);
  const total = actors * perActor;
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const behavior = Behaviors.receiveMessage<number>(() => {
    if (++count === total) done();
  });
  const refs: ActorRef<number>[] = [];
  for (let i = 0; i < actors; i++) refs.push(system.spawn(behavior, `a${i}`));
  for (let round = 0; round < perActor; round++) for (const ref of refs) ref.tell(round);
  await finished;
  await system.terminate();
  return total;
}

async function manyQueues(queues: number, perQueue: number): Promise<number> {
  const total = queues * perQueue;
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const all: AsyncQueue<number>[] = [];
  for (let i = 0; i < queues; i++) {
    const queue = new AsyncQueue<number>();
    queue.consume(() => {
      if (++count === total) done();
    });
    all.push(queue);
  }
  for (let round = 0; round < perQueue; round++) for (const queue of all) queue.push(round);
  await finished;
  return total;
}

async function manyDrains(queues: number, perQueue: number): Promise<number> {
  const total = queues * perQueue;
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const all: DrainQueue<number>[] = [];
  const loop = new DrainLoop();
  for (let i = 0; i < queues; i++) {
    all.push(
      new DrainQueue<number>(() => {
        if (++count === total) done();
      }, loop),
    );
  }
  for (let round = 0; round < perQueue; round++) for (const queue of all) queue.push(round);
  await finished;
  return total;
}

interface Row {
  readonly name: string;
  readonly unit: string;
  readonly engram: number;
  /** The async queue whose consumer loop awaits each item. */
  readonly awaitQueue: number;
  /** The queue drained synchronously once per burst. */
  readonly drainQueue: number;
}

const rate = (run: () => Promise<number>) => opsPerSecond(run, reps);
const count = (value: number) => value.toLocaleString('en');

async function main(): Promise<void> {
  console.log(`Engram actor runtime benchmark (${await machineLine()}, scale ${scale})`);
  const tells = n(1_000_000);
  const roundTrips = n(500_000);
  const asks = n(200_000);
  const actors = n(10_000);
  const rows: Row[] = [];
  rows.push({
    name: `tell to one actor, ${count(tells)} messages`,
    unit: 'msg/s',
    engram: await rate(() => tellOneActor(tells)),
    awaitQueue: await rate(() => tellOneQueue(tells)),
    drainQueue: await rate(() => tellOneDrain(tells)),
  });
  rows.push({
    name: `ping-pong between two actors, ${count(roundTrips)} round trips`,
    unit: 'msg/s',
    engram: await rate(() => pingPongActors(roundTrips)),
    awaitQueue: await rate(() => pingPongQueues(roundTrips)),
    drainQueue: await rate(() => pingPongDrains(roundTrips)),
  });
  const askEngram = await rate(() => askActor(asks));
  rows.push({
    name: `ask round trips, ${count(asks)} sequential`,
    unit: 'asks/s',
    engram: askEngram,
    awaitQueue: await rate(() => askQueue(asks)),
    drainQueue: await rate(() => askDrain(asks)),
  });
  rows.push({
    name: 'ask round trips vs baselines with a setTimeout per request',
    unit: 'asks/s',
    engram: askEngram,
    awaitQueue: await rate(() => askQueueWithTimeout(asks)),
    drainQueue: await rate(() => askDrainWithTimeout(asks)),
  });
  rows.push({
    name: `${count(actors)} actors x 100 messages each`,
    unit: 'msg/s',
    engram: await rate(() => manyActors(actors, 100)),
    awaitQueue: await rate(() => manyQueues(actors, 100)),
    drainQueue: await rate(() => manyDrains(actors, 100)),
  });
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  printTable(
    `median of ${reps} runs after 1 warm-up. await queue: a bare async queue whose consumer loop awaits each item (a microtask per item); ` +
      'sync drain: the same queue drained in a plain loop by one consumer scheduled per burst with queueMicrotask (as an actor drains its mailbox); ' +
      'the queues of one workload share one drain loop, as actors share a dispatcher',
    ['workload', 'engram', 'await queue', 'engram/await queue', 'sync drain', 'engram/sync drain'],
    rows.map((r) => [
      r.name,
      `${formatRate(r.engram)} ${r.unit}`,
      `${formatRate(r.awaitQueue)} ${r.unit}`,
      ratio(r.engram, r.awaitQueue),
      `${formatRate(r.drainQueue)} ${r.unit}`,
      ratio(r.engram, r.drainQueue),
    ]),
  );
}

await main();
