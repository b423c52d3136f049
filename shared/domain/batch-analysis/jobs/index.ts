/**
 * The offline-analysis jobs (batch creator, batch poller, intake, requeue) as use cases over
 * small ports; the adapters in `shared/adapters/aws` and `shared/adapters/openai` implement the ports.
 */
export * from './create-batches';
export * from './errors';
export * from './poll-batches';
export * from './ports';
export * from './records';
export * from './request-analysis';
export * from './requeue-failed-requests';
export * from './settings';
