import { requireNumber } from '../errors/index.js';

/** How a sender redelivers (Akka.NET's at-least-once-delivery settings). */
export interface AtLeastOnceDeliverySettings {
  /**
   * A delivery unconfirmed this long after it was last sent is sent again. Checked every half
   * interval, so a redelivery comes between one and one and a half intervals after the last send.
   */
  readonly redeliverIntervalMs: number;
  /** Most deliveries sent again at one check (oldest first); the rest wait for the next checks. */
  readonly redeliveryBurstLimit: number;
  /** After this many unconfirmed attempts of a delivery, the actor receives an UnconfirmedWarning. */
  readonly warnAfterNumberOfUnconfirmedAttempts: number;
  /** `deliver` throws MaxUnconfirmedMessagesExceeded while this many deliveries are unconfirmed. */
  readonly maxUnconfirmedMessages: number;
}

export const defaultDeliverySettings: AtLeastOnceDeliverySettings = Object.freeze({
  redeliverIntervalMs: 5_000,
  redeliveryBurstLimit: 10_000,
  warnAfterNumberOfUnconfirmedAttempts: 5,
  maxUnconfirmedMessages: 100_000,
});

/** The settings with defaults filled in, each checked (InvalidArgument names the bad one). */
export function checkDeliverySettings(settings: Partial<AtLeastOnceDeliverySettings>): AtLeastOnceDeliverySettings {
  const pick = <K extends keyof AtLeastOnceDeliverySettings>(key: K) => settings[key] ?? defaultDeliverySettings[key];
  return {
    redeliverIntervalMs: requireNumber('redeliverIntervalMs', pick('redeliverIntervalMs'), { min: 1 }),
    redeliveryBurstLimit: requireNumber('redeliveryBurstLimit', pick('redeliveryBurstLimit'), { min: 1, integer: true }),
    warnAfterNumberOfUnconfirmedAttempts: requireNumber(
      'warnAfterNumberOfUnconfirmedAttempts',
      pick('warnAfterNumberOfUnconfirmedAttempts'),
      { min: 1, integer: true },
    ),
    maxUnconfirmedMessages: requireNumber('maxUnconfirmedMessages', pick('maxUnconfirmedMessages'), { min: 1, integer: true }),
  };
}
