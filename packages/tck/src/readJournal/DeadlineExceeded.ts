import { EngramError } from '@engram/core/spi';

/** A query or a writer did not get where a case waited for it to get in time. */
export class DeadlineExceeded extends EngramError {
  override readonly name = 'DeadlineExceeded';

  constructor(
    readonly what: string,
    readonly deadlineMs: number,
    detail: string,
  ) {
    super(`${what}: not done within ${deadlineMs} ms; ${detail}`);
  }
}

/** `promise`, or a DeadlineExceeded rejection once `deadlineMs` have passed; `detail` is asked then. */
export async function within<T>(promise: Promise<T>, deadlineMs: number, what: string, detail: () => string = () => 'it is still pending'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, deadlineMs, detail())), deadlineMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
