/**
 * Which model an interaction is priced as, when the `model` a client sends is not a vendor's id:
 * an Azure OpenAI deployment name (the response names the real model), or a Bedrock application
 * inference profile ARN (only the project knows what it routes to). A project's model map
 * (`PUT /admin/model-map`) wins, then Azure's `response.model`, then `model` itself.
 */
import * as z from 'zod';
import { providerFamily } from '../normalize/provider';
import { InvalidPricingRulesError } from './errors';

/** A project's model map: the `model` as clients send it (case-insensitive) → the vendor's model id. */
export type ModelMap = Record<string, string>;

const modelMapSchema = z.record(z.string().trim().min(1).max(512), z.string().trim().min(1).max(256));

/** Most entries of a model map. */
export const MAX_MODEL_MAP_ENTRIES = 1_000;

/**
 * Validates a model map (`{ "prod-gpt4o": "gpt-4o-2024-08-06", "arn:aws:bedrock:…:application-inference-profile/abc": "us.anthropic.claude-sonnet-4-5-20250929-v1:0" }`).
 *
 * @throws {InvalidPricingRulesError} naming each bad entry.
 * @example
 * parseModelMap({ 'prod-gpt4o': 'gpt-4o-2024-08-06' }); // { 'prod-gpt4o': 'gpt-4o-2024-08-06' }
 */
export function parseModelMap(raw: unknown): ModelMap {
  const result = modelMapSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidPricingRulesError(
      result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  if (Object.keys(result.data).length > MAX_MODEL_MAP_ENTRIES) {
    throw new InvalidPricingRulesError([{ path: '', message: `at most ${MAX_MODEL_MAP_ENTRIES} entries` }]);
  }
  return Object.fromEntries(Object.entries(result.data).map(([from, to]) => [from.toLowerCase(), to]));
}

/**
 * The model id to price: the project's mapping of `model`, else (Azure OpenAI) the model the
 * response names, else `model`.
 *
 * @example
 * pricingModel({ provider: 'azure', model: 'prod-chat', responseModel: 'gpt-4o-2024-08-06' }); // 'gpt-4o-2024-08-06'
 */
export function pricingModel(args: {
  provider: string;
  model: string;
  responseModel?: string;
  modelMap?: ModelMap;
}): string {
  const mapped = args.modelMap?.[args.model.trim().toLowerCase()];
  if (mapped) return mapped;
  if (args.responseModel && providerFamily(args.provider) === 'azure') return args.responseModel;
  return args.model;
}
