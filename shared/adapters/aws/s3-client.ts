/**
 * The S3 client, created once per container (see clients.ts for why it has its own module).
 * The SDK module itself is loaded on first use: the processor needs S3 only for payloads over
 * 64 KB and claim checks, so its cold start skips loading S3 (`require` inside a function stays
 * lazy in the esbuild bundle).
 */
import type * as S3 from '@aws-sdk/client-s3';
import { ENV } from './config';

let s3Module: typeof S3 | undefined;
let s3Client: S3.S3Client | undefined;

/** The `@aws-sdk/client-s3` module (its command classes), loaded on first use. */
export function s3Sdk(): typeof S3 {
  s3Module ??= require('@aws-sdk/client-s3') as typeof S3;
  return s3Module;
}

export function s3(): S3.S3Client {
  s3Client ??= new (s3Sdk().S3Client)({ forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' });
  return s3Client;
}
