/**
 * `tokentrail price`: prices one usage and shows the breakdown and the rule used.
 *
 * @example
 * npm run -s tokentrail -- price --provider openai --model gpt-4o \
 *   --usage '{"prompt_tokens":1200,"completion_tokens":300,"prompt_tokens_details":{"cached_tokens":1024}}'
 * npm run -s tokentrail -- price --provider anthropic --model claude-sonnet-4-5 --batch \
 *   --usage '{"inputTokens":250000,"outputTokens":2000,"cachedInputTokens":200000}'
 */
import { parseArgs } from 'node:util';
import { explicitUsageSchema } from '../../domain/interaction/schema';
import { nanosToUsdString } from '../../domain/money';
import { type NormalizedUsage, normalizeUsage } from '../../domain/normalize';
import { type CostBreakdown, findRule, priceUsage } from '../../domain/pricing';
import type { CliIo } from '../io';

const HELP = `usage: tokentrail price --provider P --model M --usage '<json>' [--at ISO] [--batch] [--request '<json>'] [--json]

  --usage    normalized usage ({"inputTokens", "outputTokens", "cachedInputTokens", ...}) or a raw
             provider usage block, response, or array of stream chunks
  --at       the interaction's time (default: now); selects the price in effect then
  --batch    the call went through the provider's batch API
  --request  raw provider request (e.g. Anthropic cache_control TTLs)
  --json     print JSON instead of a table
exit code: 0 priced, 1 unpriced, 2 bad arguments
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    io.stderr(`price: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.provider || !values.model || !values.usage) {
    io.stderr(`price: --provider, --model and --usage are required\n${HELP}`);
    return 2;
  }
  const at = values.at ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(at))) {
    io.stderr(`price: --at is not an ISO 8601 time: ${at}\n`);
    return 2;
  }
  let rawUsage: unknown;
  let request: unknown;
  try {
    rawUsage = JSON.parse(values.usage);
    request = values.request === undefined ? undefined : JSON.parse(values.request);
  } catch (error) {
    io.stderr(`price: --usage / --request must be JSON: ${(error as Error).message}\n`);
    return 2;
  }
  const usage = readUsage(values.provider, rawUsage, request);
  const cost = priceUsage({ provider: values.provider, model: values.model, usage, at, batch: values.batch });
  const resolved = findRule({ provider: values.provider, model: values.model, at });
  const rule = resolved?.rule.rule;
  if (values.json) {
    io.stdout(
      `${JSON.stringify(
        {
          provider: values.provider,
          model: values.model,
          at,
          usage: usage ?? null,
          cost: { ...apiCost(cost), usd: usdAmounts(cost) },
          rule:
            rule && cost.priced
              ? { id: rule.id, version: rule.version, source: rule.source, note: rule.note }
              : null,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(formatTable(values.provider, values.model, at, usage, cost, rule));
  }
  return cost.priced ? 0 : 1;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      provider: { type: 'string' },
      model: { type: 'string' },
      usage: { type: 'string' },
      request: { type: 'string' },
      at: { type: 'string' },
      batch: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

/**
 * The normalized shape is taken as such only when it is exactly that shape; anything else (including
 * Bedrock's `{inputTokens, outputTokens, totalTokens, cacheReadInputTokens}`, whose `inputTokens`
 * excludes cached tokens) is read as a raw provider payload.
 */
function readUsage(provider: string, raw: unknown, request: unknown): NormalizedUsage | undefined {
  const explicit = explicitUsageSchema.safeParse(raw);
  if (explicit.success) return normalizeUsage({ provider, usage: explicit.data });
  return normalizeUsage({ provider, response: raw, request });
}

/** The cost with the HTTP API's field names (`totalNanoUsd`…), so scripts read both alike. */
function apiCost(cost: CostBreakdown): Record<string, unknown> {
  const { inputNanos, cachedInputNanos, cacheWriteNanos, outputNanos, reasoningNanos, totalNanos, ...rest } =
    cost;
  return {
    ...rest,
    inputNanoUsd: inputNanos,
    cachedInputNanoUsd: cachedInputNanos,
    cacheWriteNanoUsd: cacheWriteNanos,
    outputNanoUsd: outputNanos,
    reasoningNanoUsd: reasoningNanos,
    totalNanoUsd: totalNanos,
  };
}

function usdAmounts(cost: CostBreakdown): Record<string, string> {
  return {
    input: nanosToUsdString(cost.inputNanos),
    cachedInput: nanosToUsdString(cost.cachedInputNanos),
    cacheWrite: nanosToUsdString(cost.cacheWriteNanos),
    output: nanosToUsdString(cost.outputNanos),
    reasoning: nanosToUsdString(cost.reasoningNanos),
    total: nanosToUsdString(cost.totalNanos),
  };
}

function formatTable(
  provider: string,
  model: string,
  at: string,
  usage: NormalizedUsage | undefined,
  cost: CostBreakdown,
  rule: { id: string; version: number; source: string; note?: string } | undefined,
): string {
  const lines = [`provider   ${provider}`, `model      ${model}`, `at         ${at}`];
  if (usage) {
    const writes =
      usage.cacheWrite1hInputTokens !== undefined
        ? `${usage.cacheWriteInputTokens} (5m ${usage.cacheWrite5mInputTokens ?? 0}, 1h ${usage.cacheWrite1hInputTokens})`
        : `${usage.cacheWriteInputTokens}`;
    lines.push(
      `usage      input ${usage.inputTokens} (cached ${usage.cachedInputTokens}, cache write ${writes}), ` +
        `output ${usage.outputTokens} (reasoning ${usage.reasoningTokens})${usage.shape ? ` [${usage.shape}]` : ''}`,
    );
  } else {
    lines.push('usage      (none found)');
  }
  if (!cost.priced) {
    lines.push(`cost       unpriced: ${cost.unpricedReason}`);
    return `${lines.join('\n')}\n`;
  }
  if (rule) lines.push(`rule       ${cost.ruleId} v${cost.ruleVersion} (${rule.source})`);
  else lines.push(`rule       ${cost.ruleId} v${cost.ruleVersion}`);
  if (cost.baseRuleId) lines.push(`base rule  ${cost.baseRuleId} v${cost.baseRuleVersion}`);
  lines.push(`tier       ${cost.tier ?? 'base'}`, `batch      ${cost.batch ? 'yes' : 'no'}`, 'cost (USD)');
  const usd = usdAmounts(cost);
  const rows: [string, string][] = [
    ['input', usd.input!],
    ['cached input', usd.cachedInput!],
    ['cache write', usd.cacheWrite!],
    ['output', usd.output!],
    ['reasoning', usd.reasoning!],
    ['total', usd.total!],
  ];
  for (const [label, amount] of rows) lines.push(`  ${label.padEnd(13)}${amount.padStart(14)}`);
  return `${lines.join('\n')}\n`;
}
