/**
 * Actor runtime benchmark: tell throughput, ping-pong, ask round trips and many actors, each next
 * to a bare async queue doing the same work in the same run. Prints figures; asserts nothing.
 *
 *   npm run bench:runtime
 */
import { ActorSystem, ask, Behaviors, type ActorRef } from '@engram/core';
import { machineLine, opsPerSecond, printComparisons, type Comparison } from '../lib/report.js';
import { AsyncQueue } from './AsyncQueue.js';

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
  for (let i = 0; i < n; i++) {
    await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), 5000);
      queue.push((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  }
  return n;
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

async function main(): Promise<void> {
  console.log(`Engram actor runtime benchmark (${await machineLine()})`);
  const rows: Comparison[] = [];
  rows.push({
    name: 'tell to one actor, 1M messages',
    engram: await opsPerSecond(() => tellOneActor(1_000_000)),
    baseline: await opsPerSecond(() => tellOneQueue(1_000_000)),
    unit: 'msg/s',
  });
  rows.push({
    name: 'ping-pong between two actors, 500k round trips',
    engram: await opsPerSecond(() => pingPongActors(500_000)),
    baseline: await opsPerSecond(() => pingPongQueues(500_000)),
    unit: 'msg/s',
  });
  rows.push({
    name: 'ask round trips, 200k sequential',
    engram: await opsPerSecond(() => askActor(200_000)),
    baseline: await opsPerSecond(() => askQueue(200_000)),
    unit: 'asks/s',
  });
  rows.push({
    name: 'ask round trips vs baseline with a setTimeout per request',
    engram: rows[2]!.engram,
    baseline: await opsPerSecond(() => askQueueWithTimeout(200_000)),
    unit: 'asks/s',
  });
  rows.push({
    name: '10,000 actors x 100 messages each',
    engram: await opsPerSecond(() => manyActors(10_000, 100)),
    baseline: await opsPerSecond(() => manyQueues(10_000, 100)),
    unit: 'msg/s',
  });
  printComparisons('median of 5 runs after 1 warm-up; baseline = a bare async queue with one consumer loop', rows);
}

await main();
