import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/twin';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { captureStdout, readable } from '../../support/at-rest';
import { api, startTestStack } from '../../support/stack';

/** Values that must never reach the table, the payload bucket, logs or metrics. */
const SECRETS = {
  email: 'jane.planted@example.com',
  phone: '+1 415 555 0132',
  card: '4111 1111 1111 1111',
  ssn: '123-45-6789',
  awsKey: 'AKIAIOSFODNN7EXAMPLE',
  openAiKey: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd',
  githubToken: 'ghp_1234567890abcdefghijABCDEFGHIJ123456',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  password: 'hunter2-Secret!',
  bearer: 'abcdef0123456789abcdef0123',
  urlPassword: 's3cr3tpass',
  iban: 'DE89 3704 0044 0532 0130 00',
};

const message = [
  `Contact ${SECRETS.email} or ${SECRETS.phone}.`,
  `Card ${SECRETS.card}, SSN ${SECRETS.ssn}, IBAN ${SECRETS.iban}.`,
  `Keys: ${SECRETS.awsKey} ${SECRETS.openAiKey} ${SECRETS.githubToken}`,
  `Token ${SECRETS.jwt}`,
  `Authorization: Bearer ${SECRETS.bearer}`,
  `DB at https://admin:${SECRETS.urlPassword}@db.example.com/prod`,
].join('\n');

function interaction(id: string, padding = '') {
  return {
    id,
    provider: 'openai',
    model: 'gpt-4o',
    sessionId: 'planted',
    userId: SECRETS.email,
    tags: { owner: SECRETS.email },
    metadata: { note: message, credentials: { password: SECRETS.password } },
    request: { model: 'gpt-4o', messages: [{ role: 'user', content: `${message}${padding}` }] },
    response: {
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: `I will email ${SECRETS.email}.` } }],
      usage: { prompt_tokens: 100, completion_tokens: 10 },
    },
    errorClass: 'UpstreamError',
    errorMessage: `upstream rejected key ${SECRETS.openAiKey} for ${SECRETS.email}`,
  };
}

/** Decompresses payload parts so the search looks at their text, not their bytes. */
describe('nothing unredacted at rest', () => {
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

  it('keeps planted secrets out of the table, the payload bucket, the logs and the API', async () => {
    const posted = await api(stack, 'POST', '/v1/interactions', {
      key: stack.apiKey,
      body: {
        interactions: [
          interaction('planted-inline'),
          interaction('planted-s3', ` ${'filler text '.repeat(7_000)}`),
          interaction('planted-claim-check', ` ${'filler text '.repeat(22_000)}`),
        ],
      },
    });
    expect(posted.status).toBe(202);
    await stack.drain();

    const answers = await Promise.all(
      ['planted-inline', 'planted-s3', 'planted-claim-check'].map((id) =>
        api(stack, 'GET', `/v1/interactions/${id}`, { key: stack.apiKey }),
      ),
    );
    expect(answers.map((answer) => answer.body.payloadStore)).toEqual(['inline', 's3', 's3']);

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
        return {
          key: Key!,
          text: Key!.endsWith('.gz')
            ? gunzipSync(bytes).toString('utf8')
            : Buffer.from(bytes).toString('utf8'),
        };
      }),
    );
    s3.destroy();
    expect(objects.filter((object) => object.key.startsWith('staging/'))).toEqual([]);
    expect(objects.length).toBeGreaterThanOrEqual(2);

    const places: Record<string, string> = {
      table: JSON.stringify(readable(items)),
      bucket: JSON.stringify(objects),
      logs: captured.written.join(''),
      api: JSON.stringify(answers.map((answer) => answer.body)),
    };
    expect(places.logs.length).toBeGreaterThan(0);
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(SECRETS)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => `${name} in ${place}`),
    );
    expect(leaks).toEqual([]);

    const redactions = answers[0]!.body.redactions as Record<string, number>;
    expect(Object.values(redactions).reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(
      Object.keys(SECRETS).length,
    );
  });
});
