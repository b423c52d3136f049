/**
 * `tokentrail jobs run <name>`: runs a scheduled function now, against the local stack or a
 * deployed one (`--stack`, invoking its Lambda). With `--from`/`--to` it runs once per day,
 * oldest first, printing progress.
 *
 * @example
 * npm run -s tokentrail -- jobs run rollup --from 2026-11-01 --to 2026-11-15
 */
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { resolveLocalAdminKey } from '../api-key';
import type { CliIo } from '../io';
import { resolveTarget, type Target } from '../target';

const USAGE =
  'usage: tokentrail jobs run <name> [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--model M] [--project P] [--input JSON] [--stack S]\n';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      date: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      input: { type: 'string' },
      model: { type: 'string' },
      project: { type: 'string' },
      stack: { type: 'string' },
    },
  });
  const [action, name] = positionals;
  if (action !== 'run' || !name) {
    io.stderr(USAGE);
    return 2;
  }
  for (const flag of ['date', 'from', 'to'] as const) {
    const value = values[flag];
    if (value !== undefined && !DAY.test(value)) {
      io.stderr(`jobs: --${flag} must be YYYY-MM-DD\n`);
      return 2;
    }
  }
  if ((values.from === undefined) !== (values.to === undefined) || (values.from && values.date)) {
    io.stderr('jobs: give --date, or both --from and --to\n');
    return 2;
  }
  let extra: Record<string, unknown> = {};
  if (values.input) {
    try {
      extra = JSON.parse(values.input) as Record<string, unknown>;
    } catch {
      io.stderr('jobs: --input must be a JSON object\n');
      return 2;
    }
  }

  const target = await resolveTarget(values.stack, io.env);
  const invoke = await jobInvoker(target, name, io.env);
  const days = values.from ? daysBetween(values.from, values.to!) : [values.date];
  let failures = 0;
  for (const [index, date] of days.entries()) {
    const input = {
      ...extra,
      ...(date ? { date } : {}),
      ...(values.model ? { model: values.model } : {}),
      ...(values.project ? { project: values.project } : {}),
    };
    const label = date ? `${name} ${date}${days.length > 1 ? ` (${index + 1}/${days.length})` : ''}` : name;
    try {
      const result = await invoke(input);
      io.stdout(`${label}: ${JSON.stringify(result)}\n`);
    } catch (error) {
      failures += 1;
      io.stderr(`${label}: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

/**
 * Runs a job of the target once per call: the local stack's `/_local/jobs/<name>`, or the
 * deployed function (found by its `<Name>FunctionName` output), invoked and awaited.
 */
export async function jobInvoker(
  target: Target,
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<(input: Record<string, unknown>) => Promise<unknown>> {
  if (target.kind === 'local') {
    const key = resolveLocalAdminKey(env);
    return async (input) => {
      const response = await fetch(`${target.url}/_local/jobs/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(input),
      });
      const body = (await response.json()) as { ok: boolean; result?: unknown; error?: string };
      if (!body.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
      return body.result;
    };
  }
  const cloudFormation = new CloudFormationClient({});
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: target.stackName }));
  cloudFormation.destroy();
  const outputKey = `${name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}FunctionName`;
  const functionName = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === outputKey)?.OutputValue;
  if (!functionName)
    throw new Error(`stack ${target.stackName} has no scheduled function "${name}" (output ${outputKey})`);
  const lambda = new LambdaClient({});
  return async (input) => {
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(input)),
      }),
    );
    const text = result.Payload ? new TextDecoder().decode(result.Payload) : 'null';
    if (result.FunctionError) throw new Error(`${result.FunctionError}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  };
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
