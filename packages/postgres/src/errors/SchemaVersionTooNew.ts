import { EngramError } from '@engram/core/spi';

/**
 * The database was migrated by a newer Engram than this one: this version does not know the
 * layout and refuses to touch it rather than guess.
 */
export class SchemaVersionTooNew extends EngramError {
  override readonly name = 'SchemaVersionTooNew';

  constructor(
    readonly location: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `the Engram tables in ${location} are at schema version ${foundVersion}, but this ` +
        `@engram/postgres supports up to version ${supportedVersion}: upgrade @engram/postgres ` +
        `(a newer Engram migrated this database)`,
    );
  }
}
