/**
 * The SPI calls a store names when one of them fails: the journal's methods, the snapshot store's
 * (`load` as `loadSnapshot`, `deleteMatching` as `deleteSnapshots`, ..., so a message says which
 * store was asked) and `close`. A store's error extends it with the work of its own, e.g.
 * `StoreOperation | 'open' | 'migrate'`, so that every store names the same call the same way.
 */
export type StoreOperation =
  | 'writeMessages'
  | 'replayMessages'
  | 'readHighestSequenceNr'
  | 'deleteMessagesTo'
  | 'loadSnapshot'
  | 'saveSnapshot'
  | 'deleteSnapshot'
  | 'deleteSnapshots'
  | 'close';
