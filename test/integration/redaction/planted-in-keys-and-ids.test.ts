/**
 * Issue 18, class 5: secrets planted in object keys and in the fields stored verbatim (`model`,
 * `traceId`, `id`, `sessionId`) reach neither the table, nor payload objects, nor logs, nor metric
 * dimensions (EMF documents on stdout), nor an export.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/twin';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { ENV } from '../../../shared/adapters/aws/config';
import { run as exportCommand } from '../../../shared/cli/commands/export';
import { writeLocalTarget } from '../../../shared/cli/target';
import { captureStdout, readable } from '../../support/at-rest';
import { api, openAiChat, startTestStack } from '../../support/stack';

const SECRETS = {
  email: 'jane.keyplanted@example.com',
  openAiKey: 'sk-proj-KeYpLaNtEdAbCdEfGhIjKlMnOpQrStUvWx0123',
  awsKey: 'AKIAJKEYPLANTED12345',
  githubToken: 'ghp_KeYpLaNtEd0123456789abcdefghijABCDEF',
  card: '4111111111111111',
};

describe('secrets planted in object keys and identifiers (issue 18)', () => {
  let stack: LocalStack;
  let captured: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    captured = captureStdout();
    stack = await startTestStack();
  });
  afterAll(async () => {
    captured.restore();
    await stack.stop();
  });

  it('redacts keys, refuses secret identifiers with their paths, and leaks nothing anywhere', async () => {
    const withKeys = openAiChat({
      id: 'keys-planted',
      sessionId: 'keys-session',
      startedAt: new Date().toISOString(),
      tags: { [SECRETS.email]: 'owner' },
      metadata: { [SECRETS.openAiKey]: 'key as a key', nested: { [SECRETS.card]: 1 } },
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], [SECRETS.awsKey]: true },
    });
    const refused = [
      { ...openAiChat({ model: SECRETS.openAiKey }), sessionId: 'keys-session' },
      openAiChat({ traceId: SECRETS.githubToken }),
      openAiChat({ id: SECRETS.email }),
      openAiChat({ sessionId: SECRETS.email }),
    ];
    const posted = await api<{ results: { status: string; issues?: { path: string }[] }[] }>(
      stack,
      'POST',
      '/v1/interactions',
      { key: stack.apiKey, body: { interactions: [withKeys, ...refused] } },
    );
    expect(posted.status).toBe(202);
    expect(posted.body.results.map((result) => result.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(posted.body.results.slice(1).map((result) => result.issues!.map((issue) => issue.path))).toEqual([
      ['interactions.1.model'],
      ['interactions.2.traceId'],
      ['interactions.3.id'],
      ['interactions.4.sessionId'],
    ]);
    await stack.drain();

    const stored = await api(stack, 'GET', '/v1/interactions/keys-planted', { key: stack.apiKey });
    expect(stored.body.tags).toEqual({ '[REDACTED:EMAIL]': 'owner' });

    const items =
      (await dynamo().send(new ScanCommand({ TableName: stack.resources.names.ledgerTable }))).Items ?? [];
    const s3 = new S3Client({ forcePathStyle: true });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: stack.resources.names.payloadBucket }));
    const objects = await Promise.all(
      (listed.Contents ?? []).map(async ({ Key }) => {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: stack.resources.names.payloadBucket, Key }),
        );
        const bytes = await object.Body!.transformToByteArray();
        return Key!.endsWith('.gz')
          ? gunzipSync(bytes).toString('utf8')
          : Buffer.from(bytes).toString('utf8');
      }),
    );
    s3.destroy();

    const dataDir = mkdtempSync(join(tmpdir(), 'tokentrail-planted-'));
    const exported: string[] = [];
    try {
      const environment: Record<string, string> = {};
      for (const name of Object.values(ENV)) if (process.env[name]) environment[name] = process.env[name];
      const env = { TOKENTRAIL_DATA_DIR: dataDir, TOKENTRAIL_API_KEY: stack.apiKey };
      writeLocalTarget(env, {
        url: stack.url,
        dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
        awsEndpoint: stack.emulators.awsEndpoint,
        environment,
      });
      for (const format of ['ndjson', 'csv']) {
        const code = await exportCommand(['--session', 'keys-session', '--format', format], {
          stdout: (text) => exported.push(text),
          stderr: () => undefined,
          readStdin: async () => '',
          env,
        });
        expect(code).toBe(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(exported.join('')).toContain('keys-planted');

    const places: Record<string, string> = {
      table: JSON.stringify(readable(items)),
      payloadObjects: JSON.stringify(objects),
      'logs and metric dimensions': captured.written.join(''),
      export: exported.join(''),
      'ingest answer': JSON.stringify(posted.body),
    };
    expect(places['logs and metric dimensions']).toContain('_aws');
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(SECRETS)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => `${name} in ${place}`),
    );
    expect(leaks).toEqual([]);
  });
});
