import { MissingConfigurationError } from './errors';

/** Names of the resources a function uses, from its environment (set by the stack or the local twin). */
export const ENV = {
  ledgerTable: 'LEDGER_TABLE_NAME',
  keysTable: 'KEYS_TABLE_NAME',
  ingestQueueUrl: 'INGEST_QUEUE_URL',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  payloadBucket: 'PAYLOAD_BUCKET_NAME',
  /** Set by the local twin: fauxqs serves S3 path-style on loopback. */
  s3ForcePathStyle: 'TOKENTRAIL_S3_FORCE_PATH_STYLE',
} as const;

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(name);
  return value;
}
