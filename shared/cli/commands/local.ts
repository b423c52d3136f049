/**
 * `tokentrail local` (`npm start`): starts DynamoDB Local, fauxqs and the local twin of the
 * whole pipeline, prints the URL and development keys, and stops everything on Ctrl-C.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../../../infra/local/twin';
import { ENV } from '../../adapters/aws/config';
import type { CliIo } from '../io';
import { writeLocalTarget } from '../target';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'in-memory': { type: 'boolean' } },
  });
  const port = Number(values.port ?? io.env.PORT ?? 4000);
  const dataDir = values['in-memory']
    ? undefined
    : resolve(values['data-dir'] ?? io.env.TOKENTRAIL_DATA_DIR ?? '.tokentrail');
  io.stderr(`starting DynamoDB Local and fauxqs${dataDir ? ` (state in ${dataDir})` : ' (in memory)'}…\n`);
  const openAiEmulated = !io.env.OPENAI_API_KEY;
  const stack = await startLocalStack({
    port,
    dataDir,
    apiKey: io.env.TOKENTRAIL_API_KEY,
    adminKey: io.env.TOKENTRAIL_ADMIN_KEY,
    onError: (error) =>
      io.stderr(`local: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`),
  });
  if (dataDir) {
    const environment: Record<string, string> = {};
    for (const name of Object.values(ENV)) if (process.env[name]) environment[name] = process.env[name];
    writeLocalTarget(
      { ...io.env, TOKENTRAIL_DATA_DIR: dataDir },
      {
        url: stack.url,
        dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
        awsEndpoint: stack.emulators.awsEndpoint,
        environment,
      },
    );
  }
  io.stdout(
    [
      '',
      `tokentrail local stack is up at ${stack.url}`,
      `  project:   ${stack.project}`,
      `  API key:   ${stack.apiKey}   (scopes: ingest, read)`,
      `  admin key: ${stack.adminKey}   (scopes: ingest, read, admin)`,
      `  DynamoDB:  ${stack.emulators.dynamodbEndpoint}   SQS/S3: ${stack.emulators.awsEndpoint}`,
      `  OpenAI:    ${stack.openAiUrl}${openAiEmulated ? '   (local Batch API emulator; set OPENAI_API_KEY to use OpenAI)' : ''}`,
      `  reports:   ${stack.providerReports.openAiUrl} , ${stack.providerReports.anthropicUrl}   (emulated admin usage/cost reports; seed with POST /_local/provider-usage)`,
      '',
      'Try:',
      `  curl -s ${stack.url}/health`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      io.stderr('\nstopping…\n');
      stack.stop().then(resolveStop, resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
