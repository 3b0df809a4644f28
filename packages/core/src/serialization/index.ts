export { EventAdapters, type EventAdapter, type EventSchema, type EventTypeSchema } from './EventAdapter.js';
export { NotSerializable, UnknownManifest, UnknownSerializer } from './errors.js';
export { JsonSerializer, type JsonSerializerOptions } from './JsonSerializer.js';
export { Serialization, type SerializationConfig } from './Serialization.js';
export type { Serializer } from './Serializer.js';
export { V8Serializer } from './V8Serializer.js';
