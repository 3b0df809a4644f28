import { InvalidArgument } from '@engram/core';
import { isDigit, type Combination } from './digitalLock.js';

export interface LockConfig {
  /** Folder of the SQLite file `lock.db`. */
  readonly dataDir: string;
  readonly secret: Combination;
  readonly autoLockMs: number;
}

/** The lock's settings from environment variables: DATA_DIR, SECRET (digits), AUTO_LOCK_MS. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): LockConfig {
  const secretText = env['SECRET'] ?? '1234';
  if (!/^\d{1,32}$/.test(secretText)) throw new InvalidArgument('SECRET', secretText, 'between 1 and 32 digits');
  const autoLockText = env['AUTO_LOCK_MS'] ?? '30000';
  const autoLockMs = Number(autoLockText);
  if (!/^\d+$/.test(autoLockText) || autoLockMs < 1) throw new InvalidArgument('AUTO_LOCK_MS', autoLockText, 'a whole number of milliseconds >= 1');
  const secret = [...secretText].map(Number).filter(isDigit);
  return { dataDir: env['DATA_DIR'] ?? './data', secret, autoLockMs };
}
