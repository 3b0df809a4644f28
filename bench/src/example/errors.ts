import { EngramError } from '@engram/core';

/** The service under test exited, or could not be started; names the program and shows its last log lines. */
export class ServiceFailed extends EngramError {
  override readonly name = 'ServiceFailed';

  constructor(
    readonly program: string,
    problem: string,
    readonly lastLines: readonly string[],
    cause?: unknown,
  ) {
    super(`${program}: ${problem}${lastLines.length > 0 ? `; its last log lines:\n  ${lastLines.join('\n  ')}` : ''}`, cause);
  }
}

/** The service under test did not listen, answer or stop within its deadline. */
export class ServiceTimedOut extends EngramError {
  override readonly name = 'ServiceTimedOut';

  constructor(
    readonly program: string,
    readonly waitingFor: string,
    readonly deadlineMs: number,
    readonly lastLines: readonly string[],
  ) {
    super(
      `${program} did not ${waitingFor} within ${deadlineMs} ms${lastLines.length > 0 ? `; its last log lines:\n  ${lastLines.join('\n  ')}` : ''}`,
    );
  }
}
