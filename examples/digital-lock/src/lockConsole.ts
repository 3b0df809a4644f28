import { ask, type ActorRef } from '@engram/core';
import { isDigit, type LockCommand, type LockStatus, type UnlockReply } from './digitalLock.js';

/**
 * One line typed at the lock's console: digits (`1`, `42`), `lock`, `unlock`, `status`. Returns
 * the lines to print. Replies wait for the lock, so they come after what was typed before them is
 * stored.
 */
export async function handleLine(lock: ActorRef<LockCommand>, line: string, askTimeoutMs: number): Promise<readonly string[]> {
  const input = line.trim().toLowerCase();
  if (input === '') return [];
  if (/^\d+$/.test(input)) {
    for (const digit of [...input].map(Number).filter(isDigit)) lock.tell({ type: 'EnterDigit', digit });
    return [];
  }
  switch (input) {
    case 'lock':
      lock.tell({ type: 'Lock' });
      return [];
    case 'unlock':
      return [await ask(lock, (replyTo: ActorRef<UnlockReply>) => ({ type: 'TryUnlock', replyTo }), { timeoutMs: askTimeoutMs })];
    case 'status': {
      const status = await ask(lock, (replyTo: ActorRef<LockStatus>) => ({ type: 'GetStatus', replyTo }), { timeoutMs: askTimeoutMs });
      return [`status: ${status.state} (${status.digitsEntered} digits entered)`];
    }
    default:
      return [`unknown input ${JSON.stringify(line.trim())}: type digits, lock, unlock, status or quit`];
  }
}
