export { AtLeastOnceDelivery } from './AtLeastOnceDelivery.js';
export { AtLeastOnceDeliveryActor } from './AtLeastOnceDeliveryActor.js';
export { defaultDeliverySettings, type AtLeastOnceDeliverySettings } from './AtLeastOnceDeliverySettings.js';
export type { AtLeastOnceDeliverySnapshot, UnconfirmedDelivery } from './AtLeastOnceDeliverySnapshot.js';
export { DeliveryDeduplication } from './DeliveryDeduplication.js';
export { MaxUnconfirmedMessagesExceeded } from './errors.js';
export { RedeliveryTick, type UnconfirmedWarning } from './messages.js';
export { Redelivery } from './Redelivery.js';
