// Internal building blocks for the query side; not exported from the package root.
export {
  readEventsByGlobalOrder,
  startOfJournal,
  type GlobalEvent,
  type GlobalOffset,
  type GlobalOrderQuery,
  type GlobalPage,
} from './readEventsByGlobalOrder.js';
