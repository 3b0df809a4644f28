import { InvalidArgument } from '../errors/index.js';

/** Delivery ids handled from one sender: sorted, disjoint ranges `[from, to]`. */
type Handled = readonly (readonly [from: number, to: number])[];

/**
 * The receiving side of at-least-once delivery: which delivery ids the receiver has handled, per
 * sender, kept in the receiver's own persisted state. Handle a message and record its id in the
 * same event, and every redelivery after that is recognised as a duplicate (confirm it again,
 * handle it not), so the receiver is effectively-once with one event per message.
 *
 * A sender's ids have no gaps, so from a sender that delivers only to this receiver the record is a
 * single range: the last handled delivery id. Ids arriving out of order (a redelivery after a newer
 * delivery) are kept as extra ranges until the gap fills, so none is mistaken for a duplicate. A
 * sender that delivers to several destinations leaves a gap for each delivery to another one.
 */
export interface DeliveryDeduplication {
  readonly senders: { readonly [sender: string]: Handled };
}

const empty: DeliveryDeduplication = Object.freeze({ senders: Object.freeze({}) });

function handled(state: DeliveryDeduplication, sender: string): Handled {
  return Object.hasOwn(state.senders, sender) ? state.senders[sender]! : [];
}

function check(sender: string, deliveryId: number): void {
  if (typeof sender !== 'string' || sender.length === 0) {
    throw new InvalidArgument('deduplication sender', sender, 'a non-empty string (the sender\'s persistenceId or path)');
  }
  if (typeof deliveryId !== 'number' || !Number.isInteger(deliveryId) || deliveryId < 1) {
    throw new InvalidArgument(`delivery id from ${sender}`, deliveryId, 'an integer >= 1');
  }
}

/** Index of the first range whose end is at or after `deliveryId - 1` (the one it could join). */
function firstReaching(ranges: Handled, deliveryId: number): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ranges[middle]![1] < deliveryId - 1) low = middle + 1;
    else high = middle;
  }
  return low;
}

export const DeliveryDeduplication = {
  /** Nothing handled yet: the initial value in the receiver's state. */
  empty,

  /** True when `deliveryId` from `sender` was handled already. */
  isDuplicate(state: DeliveryDeduplication, sender: string, deliveryId: number): boolean {
    check(sender, deliveryId);
    const ranges = handled(state, sender);
    const range = ranges[firstReaching(ranges, deliveryId + 1)];
    return range !== undefined && range[0] <= deliveryId && deliveryId <= range[1];
  },

  /** Records `deliveryId` from `sender` as handled; for the event handler. Recording twice changes nothing. */
  recorded(state: DeliveryDeduplication, sender: string, deliveryId: number): DeliveryDeduplication {
    check(sender, deliveryId);
    const ranges = handled(state, sender);
    const at = firstReaching(ranges, deliveryId);
    const before = ranges[at];
    if (before !== undefined && before[0] <= deliveryId && deliveryId <= before[1]) return state;
    const next: (readonly [number, number])[] = [...ranges.slice(0, at)];
    let from = deliveryId;
    let to = deliveryId;
    let rest = at;
    // Join the range that ends right before it and the one that starts right after it.
    if (before !== undefined && before[1] === deliveryId - 1) {
      from = before[0];
      rest++;
    }
    const after = ranges[rest];
    if (after !== undefined && after[0] === deliveryId + 1) {
      to = after[1];
      rest++;
    }
    next.push([from, to], ...ranges.slice(rest));
    return { senders: { ...state.senders, [sender]: next } };
  },

  /** The highest delivery id handled from `sender` (0 if none). */
  lastDeliveryId(state: DeliveryDeduplication, sender: string): number {
    const ranges = handled(state, sender);
    return ranges[ranges.length - 1]?.[1] ?? 0;
  },
} as const;
