/**
 * The region the stack is synthesized for: the deployer's, never a silent default. In order:
 * context `tokentrail:region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the region of the AWS
 * profile in use (`AWS_PROFILE`, else `default`, in ~/.aws/config). With none of them the
 * stack is environment-agnostic, which is fine for `npm run synth` and the tests, but
 * `npm run deploy` refuses (the CDK CLI would otherwise fall back to us-east-1).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface RegionSources {
  context?: string;
  env: NodeJS.ProcessEnv;
  /** The region of the AWS profile in use, if it names one. */
  profileRegion?: string;
}

/**
 * Picks the deployer's region, or `undefined` when none is configured.
 *
 * @example
 * deployRegion({ env: { AWS_REGION: 'eu-central-1' } }); // 'eu-central-1'
 */
export function deployRegion(sources: RegionSources): string | undefined {
  const candidates = [
    sources.context,
    sources.env.AWS_REGION,
    sources.env.AWS_DEFAULT_REGION,
    sources.profileRegion,
  ];
  return candidates.map((candidate) => candidate?.trim()).find((candidate) => !!candidate);
}

/**
 * The region the AWS SDK resolves from the environment and the profile (the same chain the
 * CLI and the functions' own SDK use), or `undefined` when it finds none.
 */
export async function sdkRegion(): Promise<string | undefined> {
  const client = new DynamoDBClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

export class MissingRegionError extends Error {
  public constructor() {
    super(
      'No AWS region to deploy to: set AWS_REGION (or AWS_DEFAULT_REGION), a region in your AWS profile, or -c tokentrail:region=<region>.',
    );
    this.name = 'MissingRegionError';
  }
}
