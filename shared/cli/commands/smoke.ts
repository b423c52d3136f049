/**
 * `tokentrail smoke (--local | --stack <name>)`: the first thing to run after a deploy. Against a
 * throwaway project and API key it posts interactions carrying an e-mail address and a secret,
 * reads them back redacted and priced, runs each job once (with its schedule's input), then on a
 * deployed stack checks the dashboard and the alarms exist and that an alarm is delivered
 * (`set-alarm-state` to a test subscription of the alarm topic). It removes what it made: the
 * key, the interactions, the project's rollups and activity marks, the test queue and
 * subscription. The local twin has no CloudWatch, so `--local` says those checks were skipped.
 *
 * @example
 * npm run smoke -- --stack Tokentrail-prod
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '../../../infra/catalog';
import { deleteApiKey, saveApiKey } from '../../adapters/aws/api-key-store';
import { dynamo } from '../../adapters/aws/clients';
import { ENV, requireEnv } from '../../adapters/aws/config';
import { generateApiKey } from '../../domain/auth/api-keys';
import { priceUsage } from '../../domain/pricing';
import { activeKey, interactionKey, rollupPartition } from '../../domain/table/keys';
import { type CliIo, parseCommandOptions } from '../io';
import { alarmDelivers, alarmNamed, checkDashboardAndAlarms, describeDeployedStack } from '../smoke-aws';
import { resolveTarget, type Target } from '../target';
import { jobInvoker } from './jobs';

const USAGE = `usage: tokentrail smoke (--local | --stack <name>) [--timeout <seconds>]
  --local    the running local stack (npm start); CloudWatch checks are skipped (the twin has none)
  --stack    a deployed stack, with your AWS credentials
  --timeout  how long to wait for processing and for the alarm notification (default 120)
`;

/** Personal data and a secret the ledger must never show. */
const EMAIL = 'smoke.test@example.com';
const SECRET = `sk-proj-${randomBytes(36).toString('base64url')}`;
const USAGE_TOKENS = {
  inputTokens: 1200,
  outputTokens: 80,
  cachedInputTokens: 200,
  cacheWriteInputTokens: 0,
  reasoningTokens: 0,
};

type Outcome = 'ok' | 'FAIL' | 'skip';

interface SmokeRun {
  project: string;
  ids: string[];
  /** UTC days the interactions fall on (their activity marks are removed). */
  days: Set<string>;
  failures: number;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandOptions('smoke', USAGE, io, () =>
    parseArgs({
      args,
      options: {
        local: { type: 'boolean', default: false },
        stack: { type: 'string' },
        timeout: { type: 'string', default: '120' },
        help: { type: 'boolean', default: false },
      },
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const timeoutMs = Number(values.timeout) * 1000;
  if (values.local === (values.stack !== undefined) || !(timeoutMs > 0)) {
    io.stderr(USAGE);
    return 2;
  }
  const target = await resolveTarget(values.stack, io.env);
  const smoke: SmokeRun = {
    project: `smoke-${randomBytes(4).toString('hex')}`,
    ids: [],
    days: new Set(),
    failures: 0,
  };
  const report = (outcome: Outcome, step: string, detail = '') => {
    if (outcome === 'FAIL') smoke.failures += 1;
    io.stdout(`${outcome.padEnd(4)}  ${step}${detail ? `: ${detail}` : ''}\n`);
  };
  const step = async (name: string, action: () => Promise<string>) => {
    try {
      report('ok', name, await action());
      return true;
    } catch (error) {
      report('FAIL', name, error instanceof Error ? error.message : String(error));
      return false;
    }
  };

  io.stdout(
    `tokentrail smoke test of ${target.kind === 'local' ? `the local stack at ${target.url}` : `stack ${target.stackName}`}, project ${smoke.project}\n`,
  );
  const { key, record } = generateApiKey({
    project: smoke.project,
    scopes: ['ingest', 'read', 'admin'],
    name: 'tokentrail smoke test (deleted when it ends)',
  });
  await saveApiKey(record);
  try {
    const call = (method: string, path: string, body?: unknown) => request(target, key, method, path, body);
    const posted = await step('post 2 interactions', () => postInteractions(smoke, call));
    if (posted) {
      await step('read back redacted and priced', () => readBack(smoke, call, timeoutMs));
    }
    for (const spec of FUNCTIONS.filter((candidate) => candidate.schedules !== undefined)) {
      const input = spec.schedules?.[0]?.input ?? {};
      await step(`run job ${spec.name} once`, async () => {
        const invoke = await jobInvoker(target, spec.name, io.env);
        return `${JSON.stringify(input)} → ${JSON.stringify(await invoke(input)).slice(0, 160)}`;
      });
    }
    if (target.kind === 'local') {
      report(
        'skip',
        'dashboard and alarms exist',
        'the local twin has no CloudWatch (checked by the infra tests and by --stack)',
      );
      report('skip', 'an alarm reaches the alarm topic', 'the local twin has no CloudWatch or SNS');
    } else {
      const deployed = await describeDeployedStack(target.stackName!);
      await step('dashboard and alarms exist', () => checkDashboardAndAlarms(deployed));
      await step('an alarm reaches the alarm topic', async () => {
        const alarm = alarmNamed(deployed, 'FailuresQueued');
        if (!alarm) throw new Error('the stack has no FailuresQueued alarm');
        return alarmDelivers(deployed, alarm, timeoutMs);
      });
    }
  } finally {
    await step('clean up', () => cleanUp(smoke, record.keyHash));
  }
  io.stdout(smoke.failures === 0 ? 'smoke test passed\n' : `smoke test failed: ${smoke.failures} step(s)\n`);
  return smoke.failures === 0 ? 0 : 1;
}

type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }>;

async function request(target: Target, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function postInteractions(smoke: SmokeRun, call: Call): Promise<string> {
  const now = new Date();
  const interactions = [1, 2].map((n) => {
    const id = `${smoke.project}-${n}`;
    smoke.ids.push(id);
    return {
      id,
      provider: 'openai',
      model: 'gpt-4o',
      request: { messages: [{ role: 'user', content: `Mail ${EMAIL} the report; my key is ${SECRET}` }] },
      response: { choices: [{ message: { role: 'assistant', content: 'Done.' } }] },
      usage: USAGE_TOKENS,
      startedAt: new Date(now.getTime() - 1500).toISOString(),
      endedAt: now.toISOString(),
    };
  });
  smoke.days.add(now.toISOString().slice(0, 10));
  const answer = await call('POST', '/v1/interactions', { interactions });
  if (answer.status !== 202 || answer.body.accepted !== 2) {
    throw new Error(
      `expected 202 with 2 accepted, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
  }
  return '202, 2 accepted';
}

async function readBack(smoke: SmokeRun, call: Call, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const found: Record<string, unknown>[] = [];
  for (const id of smoke.ids) {
    for (;;) {
      const answer = await call('GET', `/v1/interactions/${encodeURIComponent(id)}`);
      if (answer.status === 200) {
        found.push(answer.body);
        break;
      }
      if (answer.status !== 404) throw new Error(`GET ${id}: ${answer.status}`);
      if (Date.now() > deadline) throw new Error(`${id} was not stored within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  for (const interaction of found) {
    const text = JSON.stringify(interaction);
    if (text.includes(EMAIL) || text.includes(SECRET))
      throw new Error(`${interaction.id} shows unredacted content`);
    if (!text.includes('[REDACTED:EMAIL]')) throw new Error(`${interaction.id} has no e-mail placeholder`);
    const cost = interaction.cost as { priced?: boolean; totalNanoUsd?: number; ruleId?: string };
    if (!cost?.priced) throw new Error(`${interaction.id} is not priced`);
    const expected = priceUsage({
      provider: 'openai',
      model: 'gpt-4o',
      at: new Date().toISOString(),
      usage: USAGE_TOKENS,
    });
    // A stack with a newer imported catalog may price by another rule; then only "priced" is checked.
    if (cost.ruleId === expected.ruleId && cost.totalNanoUsd !== expected.totalNanos) {
      throw new Error(
        `${interaction.id} costs ${cost.totalNanoUsd} nano-USD, expected ${expected.totalNanos} (${expected.ruleId})`,
      );
    }
  }
  const cost = found[0]!.cost as { totalNanoUsd: number; ruleId: string };
  return `both stored with [REDACTED:EMAIL], no secret, ${cost.totalNanoUsd} nano-USD each (${cost.ruleId})`;
}

/** Removes what the smoke test made; rows the jobs derived for its project included. */
async function cleanUp(smoke: SmokeRun, keyHash: string): Promise<string> {
  const table = requireEnv(ENV.ledgerTable);
  const keys: { pk: string; sk: string }[] = smoke.ids.map((id) => interactionKey(smoke.project, id));
  for (const day of smoke.days) keys.push(activeKey(day, smoke.project));
  for (const granularity of ['day', 'hour'] as const) {
    const { Items } = await dynamo().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': rollupPartition(smoke.project, granularity) },
        ProjectionExpression: 'pk, sk',
      }),
    );
    keys.push(...((Items ?? []) as { pk: string; sk: string }[]));
  }
  for (let offset = 0; offset < keys.length; offset += 25) {
    await dynamo().send(
      new BatchWriteCommand({
        RequestItems: { [table]: keys.slice(offset, offset + 25).map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    );
  }
  await deleteApiKey(keyHash);
  return `key, ${smoke.ids.length} interactions and ${keys.length - smoke.ids.length} derived rows removed`;
}
