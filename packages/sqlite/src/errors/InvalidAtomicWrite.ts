import { InvalidWrite } from '@engram/core/spi';

/**
 * @deprecated Use `InvalidWrite` from `@engram/core/spi`, the one malformed-write rejection of
 * every store. This alias is that class: the SQLite journal's rejections are named `InvalidWrite`.
 */
export const InvalidAtomicWrite = InvalidWrite;
/** @deprecated Use `InvalidWrite` from `@engram/core/spi`. */
export type InvalidAtomicWrite = InvalidWrite;
