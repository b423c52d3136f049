/**
 * Reconciliation of the ledger with the providers' own usage and cost reports. Domain code:
 * no AWS SDK, no network (the provider reports come in through {@link ProviderReportPort}).
 */
export * from './accounts';
export * from './api';
export * from './findings';
export * from './job';
export * from './overrides';
export * from './port';
export * from './reconcile';
export * from './reports';
export * from './types';
