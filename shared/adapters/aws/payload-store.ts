import { gunzipSync } from 'node:zlib';
import { ENV, requireEnv } from './config';
import { s3, s3Sdk } from './s3-client';

const bucket = () => requireEnv(ENV.payloadBucket);

/**
 * Writes a claim-check object: unredacted transport, so it is encrypted by the bucket's
 * default encryption, expired by a lifecycle rule, and deleted by the processor after use.
 */
export async function putStagingObject(key: string, body: string): Promise<void> {
  await s3().send(
    new (s3Sdk().PutObjectCommand)({
      Bucket: bucket(),
      Key: key,
      Body: body,
      ContentType: 'application/json',
    }),
  );
}

export async function getStagingObject(key: string): Promise<string> {
  const result = await s3().send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket(), Key: key }));
  return (await result.Body!.transformToString('utf8')) as string;
}

export async function deleteObject(key: string): Promise<void> {
  await s3().send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket(), Key: key }));
}

/** Writes a redacted payload, gzip-compressed. */
export async function putPayloadObject(key: string, gzipped: Uint8Array): Promise<void> {
  await s3().send(
    new (s3Sdk().PutObjectCommand)({
      Bucket: bucket(),
      Key: key,
      Body: gzipped,
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
    }),
  );
}

/** Reads a payload object back as its JSON text. */
export async function getPayloadObject(key: string): Promise<string> {
  const result = await s3().send(new (s3Sdk().GetObjectCommand)({ Bucket: bucket(), Key: key }));
  const bytes = await result.Body!.transformToByteArray();
  return gunzipSync(bytes).toString('utf8');
}
