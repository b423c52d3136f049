/**
 * CDK app: `npm run synth` / `npm run deploy`. Context (`-c key=value` or cdk.json):
 * - `tokentrail:stage` (default `dev`): stack name `Tokentrail-<stage>`.
 * - `tokentrail:retainData` (default `true`): keep tables and bucket on stack deletion.
 * - `tokentrail:alarmEmail`, `tokentrail:retentionDays` (default 0 = keep forever),
 *   `tokentrail:billing` (`on-demand` | `provisioned`), `tokentrail:logLevel`,
 *   `tokentrail:openAiSecretName` and the alarm thresholds: see the README's "Deploy to AWS".
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TokentrailStack } from './stack';

const app = new App();
const stage = String(app.node.tryGetContext('tokentrail:stage') ?? 'dev');
const retainData = String(app.node.tryGetContext('tokentrail:retainData') ?? 'true') !== 'false';

new TokentrailStack(app, `Tokentrail-${stage}`, {
  stage,
  retainData,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'tokentrail: a serverless ledger of LLM interactions',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
