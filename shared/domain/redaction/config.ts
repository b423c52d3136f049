/**
 * Per-project redaction configuration: which detectors run, how values are replaced, custom
 * rules, an allowlist, drop paths and extra secret key names. Validated with zod; custom and
 * allowlist patterns are compiled at parse time so a bad rule is rejected when the project saves
 * it, not when the processor meets it.
 */
import * as z from 'zod';
import {
  compileAllowlist,
  customPatternProblem,
  DEFAULT_CUSTOM_RULE_BUDGET_CHARS,
  EMPTY_MATCH_PROBLEM,
} from './custom-rules';
import { BUILTIN_DETECTOR_TYPES, OPT_IN_DETECTOR_TYPES } from './detectors';
import { InvalidRedactionConfigError, type RedactionConfigIssue } from './errors';
import { parseDropPath } from './paths';

/** Types produced by the engine itself, besides the detectors; custom rules may not reuse them. */
export const ENGINE_TYPES = ['DROPPED', 'UNSCANNED'] as const;

const typeName = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9_]{0,63}$/,
    'use UPPER_SNAKE_CASE: A-Z, 0-9 and _, starting with a letter, at most 64',
  );

/** An RE2 pattern, compiled at parse time (each element is checked even when siblings fail). */
const re2Pattern = (allowEmptyMatch: boolean) =>
  z
    .string()
    .min(1)
    .max(1024)
    .superRefine((pattern, ctx) => {
      const problem = customPatternProblem(pattern);
      if (problem && !(allowEmptyMatch && problem === EMPTY_MATCH_PROBLEM)) {
        ctx.addIssue({ code: 'custom', message: problem });
      }
    });

/**
 * Values of unrelated kinds: an allowlist pattern that lets two of them through (`.*`, `.+`,
 * `\S+`) is not an allowlist but redaction turned off, and is refused.
 */
const UNRELATED_VALUES = [
  'jane.doe@example.com',
  'AKIAIOSFODNN7EXAMPLE',
  '4111 1111 1111 1111',
  '+1 415 555 2671',
  'sk-proj-Abc123Def456Ghi789Jkl012Mno345',
];

function allowsEverything(pattern: string): boolean {
  if (customPatternProblem(pattern) && customPatternProblem(pattern) !== EMPTY_MATCH_PROBLEM) return false;
  const { allows } = compileAllowlist([], [pattern]);
  return UNRELATED_VALUES.filter((value) => allows(value)).length >= 2;
}

const dropPath = z
  .string()
  .min(1)
  .max(512)
  .superRefine((path, ctx) => {
    try {
      parseDropPath(path);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid path: ${error instanceof Error ? error.message : error}`,
      });
    }
  });

const customRuleSchema = z.strictObject({
  name: typeName,
  pattern: re2Pattern(false),
  flags: z
    .string()
    .regex(/^[ims]{0,3}$/, 'use any of i (ignore case), m (multi-line), s (dot matches newline)')
    .optional(),
});

export const redactionConfigSchema = z
  .strictObject({
    /** Built-in detector types to skip. */
    disabled: z.array(z.enum(BUILTIN_DETECTOR_TYPES)).max(BUILTIN_DETECTOR_TYPES.length).optional(),
    /** Detectors that are off by default to run (`PERSON`). */
    enabled: z.array(z.enum(OPT_IN_DETECTOR_TYPES)).max(OPT_IN_DETECTOR_TYPES.length).optional(),
    /** `placeholder` (default): `[REDACTED:EMAIL]`; `hash`: `[EMAIL:3f9a1c]` keyed by `hashSecret`. */
    style: z.enum(['placeholder', 'hash']).optional(),
    /** Per-project HMAC key for the `hash` style (at least 16 characters). */
    hashSecret: z.string().min(16, 'must be at least 16 characters').max(1024).optional(),
    /** Hex characters of the HMAC kept in hash placeholders (default 6). */
    hashLength: z.number().int().min(6).max(16).optional(),
    /** Named RE2 patterns redacted as `[REDACTED:<name>]`. */
    customRules: z.array(customRuleSchema).max(50).optional(),
    /** Values never redacted: exact strings, or RE2 patterns matched against the whole detected value. */
    allowlist: z
      .strictObject({
        values: z.array(z.string().min(1).max(4096)).max(1000).optional(),
        patterns: z
          .array(
            re2Pattern(true).refine((pattern) => !allowsEverything(pattern), {
              message:
                'allows values of unrelated kinds (an e-mail address and a key alike), which turns redaction off; list the values, or narrow the pattern',
            }),
          )
          .max(100)
          .optional(),
      })
      .optional(),
    /** JSON locations removed entirely (see `paths.ts` for the syntax). */
    dropPaths: z.array(dropPath).max(100).optional(),
    /** Extra JSON key names whose string values are always redacted as `SECRET`. */
    secretKeys: z.array(z.string().min(1).max(128)).max(200).optional(),
    /** Characters custom rules may scan per payload (default 4 MiB). */
    customRuleBudgetChars: z.number().int().min(1).max(1_073_741_824).optional(),
    /** Past the budget: `redact` (default) replaces unscanned strings by `[REDACTED:UNSCANNED]`; `throw` fails. */
    onBudgetExceeded: z.enum(['redact', 'throw']).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.style === 'hash' && !config.hashSecret) {
      ctx.addIssue({ code: 'custom', path: ['hashSecret'], message: 'required when style is "hash"' });
    }
    const reserved = new Set<string>([...BUILTIN_DETECTOR_TYPES, ...ENGINE_TYPES]);
    const seen = new Set<string>();
    config.customRules?.forEach((rule, i) => {
      if (reserved.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['customRules', i, 'name'],
          message: 'is a built-in type name',
        });
      } else if (seen.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['customRules', i, 'name'],
          message: 'is used by another rule',
        });
      }
      seen.add(rule.name);
    });
  });

/** A project's redaction configuration (every field optional; `{}` is the default behaviour). */
export type RedactionConfig = z.infer<typeof redactionConfigSchema>;

export { DEFAULT_CUSTOM_RULE_BUDGET_CHARS };

/**
 * Validates a raw configuration (e.g. from a project item or a JSON file).
 *
 * @throws {InvalidRedactionConfigError} with every issue as `{ path, message }`.
 * @example
 * parseRedactionConfig({ disabled: ['IPV4'], customRules: [{ name: 'TICKET', pattern: 'TCK-\\d+' }] });
 */
export function parseRedactionConfig(raw: unknown): RedactionConfig {
  const result = redactionConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issues: RedactionConfigIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new InvalidRedactionConfigError(issues);
}
