import type { PricingRule } from './types';

/**
 * The rules of a catalog file in any accepted shape: a JSON array of rules, `{"rules": [...]}`, or a
 * generated catalog module (`shared/domain/pricing/catalog/generated/<provider>.rules.ts`, a JSON object
 * in a raw template string, or, as earlier builds wrote it, an object literal). Not validated here: `parsePricingRules` does that.
 *
 * @throws {Error} when the text holds none of these shapes.
 * @example
 * rulesOfCatalogFile(readFileSync('shared/domain/pricing/catalog/generated/openai.rules.ts', 'utf8')).length; // 200+
 */
export function rulesOfCatalogFile(text: string): PricingRule[] {
  const trimmed = text.trim();
  const json = trimmed.startsWith('[') || trimmed.startsWith('{') ? trimmed : objectIn(trimmed);
  const parsed = JSON.parse(json) as unknown;
  if (Array.isArray(parsed)) return parsed as PricingRule[];
  const rules = (parsed as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new Error('expected {"rules": [...]} or an array of rules');
  return rules as PricingRule[];
}

/** The JSON object a generated module assigns: from the `{` after its first `=` to its last `}`. */
function objectIn(text: string): string {
  const assigned = /=\s*(?:String\.raw`)?\{/.exec(text);
  const start = assigned ? assigned.index + assigned[0].length - 1 : -1;
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the file');
  return text.slice(start, end + 1);
}
