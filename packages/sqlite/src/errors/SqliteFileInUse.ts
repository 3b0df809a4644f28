import { EngramError } from '@engram/core/spi';

/**
 * A `SqliteJournal` could not open its file for writing because another journal (in this process
 * or another) has it open: by default one journal writes a file at a time. Names the file, the lock
 * file and how to let several journals write it (`writers: 'shared'`).
 */
export class SqliteFileInUse extends EngramError {
  override readonly name = 'SqliteFileInUse';

  constructor(
    readonly path: string,
    readonly lockPath: string,
    /** What this journal asked for: to be the only writer, or one of several. */
    readonly writers: 'single' | 'shared',
    cause?: unknown,
  ) {
    super(
      writers === 'single'
        ? `SQLite journal cannot open ${path} for writing: another SqliteJournal, in this process or another, ` +
            `has it open (lock file ${lockPath}). One journal writes a file at a time unless every journal of the file ` +
            `is opened with { writers: 'shared' }; close the other one first (a process that died has released it).`
        : `SQLite journal cannot open ${path} for writing: another SqliteJournal, in this process or another, ` +
            `has it open as its only writer (lock file ${lockPath}); open that one with { writers: 'shared' } too, or close it first.`,
      cause,
    );
  }
}
