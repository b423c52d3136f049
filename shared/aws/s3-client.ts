/** The S3 client, created once per container (see clients.ts for why it has its own module). */
import { S3Client } from '@aws-sdk/client-s3';
import { ENV } from './config';

let s3Client: S3Client | undefined;

export function s3(): S3Client {
  s3Client ??= new S3Client({ forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true' });
  return s3Client;
}
