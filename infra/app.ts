/**
 * CDK app: `npm run synth` / `npm run deploy`. The only place context is read (through
 * context.ts, into the stack's typed props). Context (`-c key=value` or cdk.json):
 * - `tokentrail:stage` (default `dev`): stack name `Tokentrail-<stage>`.
 * - `tokentrail:region`: where to deploy; default the deployer's `AWS_REGION`,
 *   `AWS_DEFAULT_REGION` or profile region (infra/region.ts). `npm run deploy` refuses without one.
 * - `tokentrail:retainData` (default `true`): keep tables and bucket on stack deletion.
 * - `tokentrail:alarmEmail`, `tokentrail:retentionDays` (default 0 = keep forever),
 *   `tokentrail:billing` (`on-demand` | `provisioned`), `tokentrail:logLevel`, `tokentrail:tracing`,
 *   `tokentrail:openAiSecretName`, the scale settings and the alarm thresholds: see the README's
 *   "Deploy to AWS" and infra/context.ts.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from './context';
import { deployRegion, MissingRegionError, sdkRegion } from './region';
import { TokentrailStack } from './stack';

async function main(): Promise<void> {
  const app = new App();
  const context = readContext(app.node);
  const region = deployRegion({
    context: context.region,
    env: process.env,
    profileRegion: await sdkRegion(),
  });
  // Set by `npm run deploy`: a deploy without a region would land in the CLI's us-east-1 default.
  if (!region && context.deploying) throw new MissingRegionError();

  new TokentrailStack(app, `Tokentrail-${context.stage}`, {
    ...context.stackProps,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    description: 'tokentrail: a serverless ledger of LLM interactions',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
