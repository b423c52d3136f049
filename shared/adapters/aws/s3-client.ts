/**
 * The S3 client, created once per container (see clients.ts for why it has its own module).
 * The SDK module itself is loaded on first use: the processor needs S3 only for payloads over
 * 64 KB and claim checks, so its cold start skips loading S3.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { ENV } from './config';
import { onFirstUse } from './on-first-use';

/** The `@aws-sdk/client-s3` module (its command classes), loaded on first use. */
export const s3Sdk = onFirstUse(() => require('@aws-sdk/client-s3') as typeof S3);

export const s3 = onFirstUse(
  (): S3.S3Client => new (s3Sdk().S3Client)({ forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' }),
);
