export { NatsUnavailable, PublishFailed, StreamMismatch } from './errors.js';
export { NatsEventPublisher, type NatsPublisherConfig, type PublisherCounts } from './NatsEventPublisher.js';
export { subjectFor, subjectPrefixProblem, subjectToken } from './subjects.js';
