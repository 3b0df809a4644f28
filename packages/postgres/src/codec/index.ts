export { decodePayload, encodePayload, payloadBytes, type EncodedPayload, type PayloadKind } from './payload.js';
export { isWellFormedText, keyProblem, maxKeyBytes, textArrayLiteral, textArrayParameter, textProblem } from './text.js';
