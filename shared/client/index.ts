/**
 * tokentrail client for applications: batching, retries with stable ids, a bounded buffer, and
 * `wrapOpenAI` to record OpenAI SDK calls. See README.md in this folder.
 */
export {
  type ClientStats,
  type InteractionInput,
  /** @deprecated Renamed {@link InteractionInput}: the server's stored record is another thing. */
  type InteractionRecord,
  TokentrailClient,
} from './client';
export {
  BufferOverflowError,
  ClientClosedError,
  type ClientErrorContext,
  DeliveryFailedError,
  InteractionRejectedError,
  InvalidClientOptionsError,
  type RejectionIssue,
  TokentrailClientError,
} from './errors';
export { type RecordedApi, type WrapOpenAIOptions, wrapOpenAI } from './openai';
export {
  interactionsUrl,
  type OverflowPolicy,
  resolveClientOptions,
  type Timers,
  type TokentrailClientOptions,
} from './options';
export { backoffDelay, classifyStatus, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry';
