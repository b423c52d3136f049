/**
 * Redaction engine: removes personal data and secrets from text and JSON values before
 * anything is stored. Domain code: no AWS imports, no network.
 *
 * - `createRedactor(config)` → `redactText` / `redactValue` with counts by type;
 * - `parseRedactionConfig(raw)` validates a project's configuration (zod + RE2 compile);
 * - `sanitizeErrorMessage(message)` for errors and logs.
 *
 * See `detectors.ts` for what each type matches and which look-alikes it keeps.
 */
export { BLOB_DETECTOR_TYPES, isBinaryBlob, MIN_BLOB_LENGTH } from './blobs';
export {
  aadhaarValid,
  australianTfnValid,
  brazilCnpjValid,
  brazilCpfValid,
  canadianSinValid,
  cardBrandPlausible,
  chineseResidentIdValid,
  dutchBsnValid,
  frenchNirValid,
  germanTaxIdValid,
  ibanChecksumValid,
  indianPanValid,
  italianFiscalCodeValid,
  japaneseMyNumberValid,
  koreanRrnValid,
  luhnValid,
  mexicanCurpValid,
  singaporeNricValid,
  spanishIdValid,
  ssnValid,
  ukNinoValid,
  verhoeffValid,
} from './checksums';
export {
  DEFAULT_CUSTOM_RULE_BUDGET_CHARS,
  ENGINE_TYPES,
  parseRedactionConfig,
  type RedactionConfig,
  redactionConfigSchema,
} from './config';
export type { CustomRule } from './custom-rules';
export {
  BUILTIN_DETECTOR_TYPES,
  type BuiltinDetectorType,
  isPlaceholder,
  OPT_IN_DETECTOR_TYPES,
} from './detectors';
export {
  InvalidRedactionConfigError,
  RedactionBudgetExceededError,
  type RedactionConfigIssue,
} from './errors';
export { parseDropPath } from './paths';
export { createRedactor, type RedactionCounts, type Redactor } from './redactor';
export { canonicalValue, type ReplacementStyle } from './replacement';
export { MAX_SANITIZED_LENGTH, sanitizeErrorMessage } from './sanitize';
export { isSecretKeyName } from './secret-keys';
