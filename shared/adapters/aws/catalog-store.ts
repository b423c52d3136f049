/**
 * The imported global catalog layer (`PUT /admin/catalog`, `tokentrail pricing import`): rules that
 * price every project after its own overrides and before the shipped catalog, so a deployed stack
 * takes a newer catalog without a deployment. Each import is a new version: one ledger item per
 * version (`CATALOG#global` / `VERSION#000042`) plus `CURRENT`, the rules gzip-compressed (a whole
 * generated catalog is ~50 KB compressed, well under DynamoDB's 400 KB item limit). Cached in the
 * warm container for a minute, so an import reaches every function within a minute.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { PricingRule } from '../../domain/pricing';
import { CatalogLayerTooLargeError } from '../../domain/pricing/errors';
import { CATALOG_CURRENT, CATALOG_PARTITION, catalogVersionKey } from '../../domain/table/keys';
import { dynamo } from './clients';
import { ENV, requireEnv } from './config';

/** What `GET /admin/catalog` answers about the current layer. */
export interface CatalogLayerInfo {
  version: number;
  importedAt: string;
  ruleCount: number;
  /** Where the rules came from (the file name or `generatedFrom` the importer gave). */
  label?: string;
}

export interface CatalogLayer extends CatalogLayerInfo {
  rules: PricingRule[];
}

const TTL_MS = 60_000;
/** Compressed rules above this would not fit one item with room to spare. */
export const MAX_LAYER_BYTES = 350_000;

let cached: { layer: CatalogLayer | undefined; expiresAt: number } | undefined;

/** The current layer, or `undefined` when nothing was imported. */
export async function getCatalogLayer(now = Date.now()): Promise<CatalogLayer | undefined> {
  if (cached && cached.expiresAt > now) return cached.layer;
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: requireEnv(ENV.ledgerTable),
      Key: { pk: CATALOG_PARTITION, sk: CATALOG_CURRENT },
    }),
  );
  // The same array instance is kept while the version is unchanged: compiled indexes stay warm.
  const previous = cached?.layer;
  const layer =
    Item === undefined
      ? undefined
      : previous?.version === Item.version
        ? previous
        : {
            version: Item.version as number,
            importedAt: Item.importedAt as string,
            ruleCount: Item.ruleCount as number,
            label: Item.label as string | undefined,
            rules: JSON.parse(gunzipSync(Item.rules as Uint8Array).toString('utf8')) as PricingRule[],
          };
  cached = { layer, expiresAt: now + TTL_MS };
  return layer;
}

/**
 * Stores `rules` (validated with `parsePricingRules(raw, { catalogLayer: true })`) as the next
 * version of the layer. Two imports racing for the same version: one fails and is retried by its
 * caller.
 *
 * @throws {CatalogLayerTooLargeError} when the compressed rules exceed {@link MAX_LAYER_BYTES}.
 * @example
 * const info = await putCatalogLayer(parsePricingRules(body, { catalogLayer: true }), 'genai-prices 0.1.9');
 */
export async function putCatalogLayer(rules: PricingRule[], label?: string): Promise<CatalogLayerInfo> {
  const current = await getCatalogLayer(0);
  const version = (current?.version ?? 0) + 1;
  const compressed = gzipSync(JSON.stringify(rules));
  if (compressed.byteLength > MAX_LAYER_BYTES)
    throw new CatalogLayerTooLargeError(compressed.byteLength, MAX_LAYER_BYTES);
  const info: CatalogLayerInfo = { version, importedAt: new Date().toISOString(), ruleCount: rules.length };
  if (label) info.label = label;
  const item = { pk: CATALOG_PARTITION, entity: 'catalog-layer', ...info, rules: compressed };
  const table = requireEnv(ENV.ledgerTable);
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: table,
            Item: { ...item, sk: CATALOG_CURRENT },
            ConditionExpression: current ? 'version = :previous' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: current ? { ':previous': current.version } : undefined,
          },
        },
        { Put: { TableName: table, Item: { ...item, sk: catalogVersionKey(version) } } },
      ],
    }),
  );
  cached = undefined;
  return info;
}

/** Forgets the cached layer (tests, and after a local write). */
export function clearCatalogLayerCache(): void {
  cached = undefined;
}
