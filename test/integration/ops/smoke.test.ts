/**
 * `npm run smoke -- --local` against a local twin: the same command a user runs after a deploy,
 * so its logic (post, read back redacted and priced, run every job, clean up) is tested here.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '../../../infra/catalog';
import { dynamo } from '../../../shared/adapters/aws/clients';
import { ENV } from '../../../shared/adapters/aws/config';
import { run as smoke } from '../../../shared/cli/commands/smoke';
import type { CliIo } from '../../../shared/cli/io';
import { startCliTestStack } from '../../support/stack';

describe('tokentrail smoke --local', () => {
  let env: NodeJS.ProcessEnv;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ env, stop } = await startCliTestStack());
  });
  afterAll(() => stop());

  async function runSmoke(args: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      readStdin: async () => '',
      env,
    };
    const code = await smoke(args, io);
    return { code, stdout, stderr };
  }

  it('passes every step, says what it skipped, and leaves nothing of its project behind', async () => {
    const { code, stdout } = await runSmoke(['--local', '--timeout', '60']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringContaining('smoke test passed') });
    expect(stdout).toMatch(/^ok {4}post 2 interactions: 202, 2 accepted$/m);
    expect(stdout).toMatch(
      /^ok {4}read back redacted and priced: both stored with \[REDACTED:EMAIL\], no secret, \d+ nano-USD each/m,
    );
    for (const spec of FUNCTIONS.filter((candidate) => candidate.schedules !== undefined)) {
      expect(stdout).toMatch(new RegExp(`^ok {4}run job ${spec.name} once`, 'm'));
    }
    expect(stdout).toMatch(/^skip {2}dashboard and alarms exist: the local twin has no CloudWatch/m);
    expect(stdout).toMatch(/^ok {4}clean up: key, 2 interactions and \d+ derived rows removed$/m);
    expect(stdout).not.toMatch(/^FAIL/m);

    const project = /project (smoke-[0-9a-f]{8})/.exec(stdout)![1]!;
    const ledger = process.env[ENV.ledgerTable]!;
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: ledger, Key: { pk: `INT#${project}#${project}-1`, sk: 'INT' } }),
    );
    expect(Item).toBeUndefined();
    const { Items } = await dynamo().send(new ScanCommand({ TableName: ledger }));
    expect((Items ?? []).filter((item) => JSON.stringify(item).includes(project))).toEqual([]);
    const keys = await dynamo().send(new ScanCommand({ TableName: process.env[ENV.keysTable]! }));
    expect((keys.Items ?? []).filter((item) => item.project === project)).toEqual([]);
  });

  it('asks for exactly one of --local and --stack', async () => {
    expect((await runSmoke([])).code).toBe(2);
    expect((await runSmoke(['--local', '--stack', 'Tokentrail-dev'])).code).toBe(2);
  });
});
