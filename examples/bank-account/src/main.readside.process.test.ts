import { afterEach, describe, it } from 'vitest';
import { readModelsCatchUpAfterKill } from './testing/restartCase.test-support.js';
import { tempDataDir } from './testing/testApp.test-support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('the read models across a kill of the process, on SQLite', () => {
  it('resume from their stored offsets after SIGKILL: every operation counted exactly once', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    await readModelsCatchUpAfterKill({ DATA_DIR: data.dir }, cleanups);
  });
});
