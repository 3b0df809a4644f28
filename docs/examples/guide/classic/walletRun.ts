import { ActorSystem, ask, persistentActor, type ActorRef } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { Wallet, type WalletCommand, type WalletReply } from './Wallet.js';

function start(path: string, print: (line: string) => void) {
  const system = ActorSystem.create('wallets', {
    persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) },
  });
  // persistentActor turns the class into a behavior; it makes a new instance per incarnation.
  const wallet = system.spawn(persistentActor(() => new Wallet('alice', print)), 'wallet-alice');
  return { system, wallet };
}

export async function walletRun(path: string, print: (line: string) => void = console.log): Promise<void> {
  const send = async (wallet: ActorRef<WalletCommand>, command: (replyTo: ActorRef<WalletReply>) => WalletCommand) => {
    const reply = await ask(wallet, command, { timeoutMs: 3000 });
    print(reply.ok ? `balance ${reply.balance}` : `refused: ${reply.reason}`);
  };
  const first = start(path, print);
  await send(first.wallet, (replyTo) => ({ type: 'deposit', amount: 10, replyTo }));
  await send(first.wallet, (replyTo) => ({ type: 'deposit', amount: 20, replyTo }));
  await send(first.wallet, (replyTo) => ({ type: 'withdraw', amount: 5, replyTo })); // event 3: a snapshot
  await send(first.wallet, (replyTo) => ({ type: 'withdraw', amount: 100, replyTo }));
  await send(first.wallet, (replyTo) => ({ type: 'deposit', amount: 1, replyTo }));
  await first.system.terminate();

  const second = start(path, print);
  await send(second.wallet, (replyTo) => ({ type: 'balance', replyTo }));
  await second.system.terminate();
}
