/**
 * `npm run pricing:compare`: our catalog side by side with the pinned price database. For every
 * database model it prices sample ids (from the model's own match patterns) with both engines on
 * several usage mixes and prints:
 * - coverage by provider: models priced by our catalog, or excluded with a reason;
 * - every disagreement, with the reason it is intended (a correction, a more specific match than
 *   the database's first-match, a model we price from another rule) or `UNEXPLAINED`.
 * Exits 1 when coverage of the providers traffic sends falls below 95% or a disagreement is unexplained.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { usdToNanos } from '../../shared/domain/money';
import type { NormalizedUsage } from '../../shared/domain/normalize';
import { findRule, priceUsage, shippedCatalog } from '../../shared/domain/pricing';
import { buildCatalog, type ModelOutcome } from './catalog';
import { type DbProvider, databaseVersion, loadDatabase, type MatchLogic } from './genai-prices';

/** The providers whose coverage the build promises (≥ 95% priced or excluded with a reason). */
export const COVERED_PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'bedrock',
  'azure',
  'mistral',
  'deepseek',
  'xai',
  'groq',
];
const AT = new Date(process.env.PRICING_COMPARE_AT ?? '2026-12-01T12:00:00Z');

const MIXES: { name: string; usage: NormalizedUsage }[] = [
  {
    name: 'plain',
    usage: {
      inputTokens: 1000,
      outputTokens: 200,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    },
  },
  {
    name: 'cached',
    usage: {
      inputTokens: 20_000,
      outputTokens: 500,
      cachedInputTokens: 12_000,
      cacheWriteInputTokens: 3_000,
      reasoningTokens: 0,
    },
  },
  {
    name: 'long',
    usage: {
      inputTokens: 300_000,
      outputTokens: 2_000,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    },
  },
];

/** Literal ids a match expression names (what an application could send). */
function sampleIds(match: MatchLogic): string[] {
  if ('or' in match) return match.or.flatMap(sampleIds);
  if ('and' in match) return match.and.flatMap(sampleIds).slice(0, 1);
  if ('equals' in match) return [match.equals];
  if ('starts_with' in match) return [match.starts_with];
  if ('contains' in match) return [match.contains];
  if ('ends_with' in match) return [match.ends_with];
  const literal = /^\^((?:[a-z0-9_:/-]|\\\.)+)/i.exec(match.regex)?.[1];
  return literal ? [`${literal.replaceAll('\\.', '.')}20260101`] : [];
}

function databaseNanos(provider: string, id: string, usage: NormalizedUsage): number | undefined {
  const result = calcPrice(
    {
      input_tokens: usage.inputTokens,
      cache_read_tokens: usage.cachedInputTokens,
      cache_write_tokens: usage.cacheWriteInputTokens,
      output_tokens: usage.outputTokens,
    },
    id,
    { providerId: provider, timestamp: AT },
  );
  return result ? usdToNanos(result.total_price.toFixed(9)) : undefined;
}

interface Row {
  provider: string;
  model: string;
  status: 'priced' | 'excluded' | 'unpriced';
  reason?: string;
}

async function main(): Promise<void> {
  const database = (await loadDatabase()) as DbProvider[];
  const built = buildCatalog(database);
  const byDbModel = new Map(built.models.map((model) => [`${model.dbProvider}|${model.dbModelId}`, model]));
  const rows: Row[] = [];
  const disagreements: string[] = [];
  let unexplained = 0;
  for (const provider of database) {
    for (const model of provider.models) {
      const outcome = byDbModel.get(`${provider.id}|${model.id}`);
      if (!outcome) continue; // a skipped provider
      if (outcome.excluded) {
        rows.push({
          provider: outcome.provider,
          model: model.id,
          status: 'excluded',
          reason: outcome.excluded,
        });
        continue;
      }
      const ids = [...new Set(sampleIds(model.match))].slice(0, 3);
      let priced = false;
      for (const id of ids) {
        const ours = findRule({ provider: outcome.provider, model: id, at: AT.toISOString() });
        if (ours) priced = true;
        for (const mix of MIXES) {
          const theirs = databaseNanos(provider.id, id, mix.usage);
          const cost = priceUsage({
            provider: outcome.provider,
            model: id,
            usage: mix.usage,
            at: AT.toISOString(),
          });
          const mine = cost.priced ? cost.totalNanos : undefined;
          // The database adds floats: a difference of a few nano-dollars is its rounding, not a price.
          if (mine === theirs || (mine !== undefined && theirs !== undefined && Math.abs(mine - theirs) <= 2))
            continue;
          const reason = explain(outcome, ours?.rule.rule.id, cost.ruleId);
          if (reason.startsWith('UNEXPLAINED')) unexplained += 1;
          disagreements.push(
            `${outcome.provider} ${id} [${mix.name}]: ours ${mine ?? 'unpriced'} (${cost.ruleId ?? '-'}), database ${theirs ?? 'unpriced'} nano-USD — ${reason}`,
          );
        }
      }
      rows.push({ provider: outcome.provider, model: model.id, status: priced ? 'priced' : 'unpriced' });
    }
  }
  const version = await databaseVersion();
  console.log(
    `pricing:compare — our catalog (${shippedCatalog().length} rules) vs @pydantic/genai-prices@${version}, prices at ${AT.toISOString()}`,
  );
  console.log('\ncoverage by provider (database models priced by us, or excluded with a reason):');
  const providers = [...new Set(rows.map((row) => row.provider))].sort();
  let coveredTotal = 0;
  let coveredOk = 0;
  let belowTarget = false;
  for (const provider of providers) {
    const list = rows.filter((row) => row.provider === provider);
    const priced = list.filter((row) => row.status === 'priced').length;
    const excluded = list.filter((row) => row.status === 'excluded').length;
    const share = (100 * (priced + excluded)) / list.length;
    const covered = COVERED_PROVIDERS.includes(provider);
    if (covered) {
      coveredTotal += list.length;
      coveredOk += priced + excluded;
      if (share < 95) belowTarget = true;
    }
    console.log(
      `  ${covered ? '*' : ' '} ${provider.padEnd(15)} ${String(list.length).padStart(4)} models  ${String(priced).padStart(4)} priced  ${String(excluded).padStart(3)} excluded  ${share.toFixed(1).padStart(5)}%`,
    );
  }
  const coverage = (100 * coveredOk) / coveredTotal;
  console.log(
    `  * covered providers together: ${coveredOk}/${coveredTotal} = ${coverage.toFixed(1)}% (target ≥ 95% each)`,
  );
  console.log('\nexcluded on purpose:');
  for (const row of rows.filter((entry) => entry.status === 'excluded'))
    console.log(`  ${row.provider} ${row.model}: ${row.reason}`);
  const unpriced = rows.filter((row) => row.status === 'unpriced');
  if (unpriced.length > 0) {
    console.log('\nnot priced (no rule matches the database ids):');
    for (const row of unpriced) console.log(`  ${row.provider} ${row.model}`);
  }
  console.log(
    `\nadded by corrections (the database lacks them): ${built.added.map((entry) => entry.rule.id).join(', ')}`,
  );
  console.log(`\ndisagreements (${disagreements.length}, ${unexplained} unexplained):`);
  for (const line of disagreements) console.log(`  ${line}`);
  if (belowTarget || unexplained > 0) process.exitCode = 1;
}

/** Why our price for a sample id differs from the database's. */
function explain(outcome: ModelOutcome, ourRuleId: string | undefined, pricedBy: string | undefined): string {
  const own = outcome.rules.map((rule) => rule.id);
  if (outcome.corrections.length > 0)
    return `correction: ${outcome.corrections.map((correction) => `${correction.reason} (${correction.source})`).join('; ')}`;
  if (ourRuleId && !own.includes(ourRuleId))
    return `matched more specifically by ${ourRuleId} (the database takes the first model whose pattern matches)`;
  if (!pricedBy && ourRuleId) return 'usage not priceable by us';
  if (outcome.issues.length > 0) return `conversion: ${outcome.issues.join('; ')}`;
  return 'UNEXPLAINED';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
