export { ArrayParameter, elementType, type ElementType } from './ArrayParameter.js';
export { EventColumns } from './EventColumns.js';
export { eventRow } from './eventRow.js';
export { decodePayload, encodePayload, payloadBytes, payloadKind, type EncodedPayload, type PayloadKind } from './payload.js';
export { isWellFormedText, keyProblem, maxKeyBytes, textArrayLiteral, textProblem } from './text.js';
