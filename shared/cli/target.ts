/**
 * Where a CLI command acts: the running local stack (default) or a deployed stack
 * (`--stack <name>`, read from its CloudFormation outputs with the caller's AWS credentials).
 * Either way the result is the same environment the functions get, so commands reuse the
 * functions' adapters.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ENV } from '../adapters/aws/config';

/** What `tokentrail local` writes for other commands to find it. */
export interface LocalTarget {
  url: string;
  dynamodbEndpoint: string;
  awsEndpoint: string;
  environment: Record<string, string>;
}

export interface Target {
  kind: 'local' | 'deployed';
  /** Base URL of the HTTP API. */
  url: string;
  /** Name of the deployed stack, for commands that invoke its functions. */
  stackName?: string;
}

export function localTargetFile(env: NodeJS.ProcessEnv): string {
  return join(resolve(env.TOKENTRAIL_DATA_DIR ?? '.tokentrail'), 'local.json');
}

export function writeLocalTarget(env: NodeJS.ProcessEnv, target: LocalTarget): void {
  writeFileSync(localTargetFile(env), JSON.stringify(target, null, 2), { mode: 0o600 });
}

/**
 * Points the AWS SDK and the adapters at the target and describes it.
 *
 * @throws {Error} when no local stack is running and no `--stack` is given.
 */
export async function resolveTarget(stackName: string | undefined, env: NodeJS.ProcessEnv): Promise<Target> {
  if (stackName) {
    const cloudFormation = new CloudFormationClient({});
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    cloudFormation.destroy();
    const outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']),
    );
    process.env[ENV.keysTable] = outputs.KeysTableName;
    process.env[ENV.ledgerTable] = outputs.LedgerTableName;
    process.env[ENV.deadLetterQueueUrl] = outputs.DeadLetterQueueUrl;
    if (outputs.IngestQueueUrl) process.env[ENV.ingestQueueUrl] = outputs.IngestQueueUrl;
    return { kind: 'deployed', url: (outputs.ApiUrl ?? '').replace(/\/$/, ''), stackName };
  }
  const file = localTargetFile(env);
  if (!existsSync(file)) {
    throw new Error(
      `no local stack found (${file}, from TOKENTRAIL_DATA_DIR or ./.tokentrail); start one with "npm start" ` +
        '(set TOKENTRAIL_DATA_DIR to the directory it uses, if not ./.tokentrail), or pass --stack <name>',
    );
  }
  const local = JSON.parse(readFileSync(file, 'utf8')) as LocalTarget;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_ENDPOINT_URL_DYNAMODB = local.dynamodbEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = local.awsEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = local.awsEndpoint;
  for (const [name, value] of Object.entries(local.environment)) process.env[name] = value;
  return { kind: 'local', url: local.url };
}
