/**
 * Offline analysis domain (issue E): the request line sent to the OpenAI Batch API, batch
 * planning, result parsing and the request status model. Pure: no AWS SDK, no network.
 */
export * from './errors';
export * from './plan';
export * from './prompt';
export * from './result';
export * from './sanitize';
export * from './settings';
export * from './status';
export * from './text';
