/**
 * Project-defined rules, compiled with re2js (a linear-time RE2 engine) because their patterns
 * come from configuration: no look-around, no back-references, no catastrophic backtracking.
 * All rules are joined into one RE2 pattern, so a string is scanned once however many rules
 * there are, and the characters scanned per payload are capped (see `CustomRuleBudget`).
 */
import type * as Re2js from 're2js';
import type { Detection } from './scanner';

let re2js: typeof Re2js | undefined;
/**
 * re2js, loaded on first use: most projects have no custom rules, and its 150 KB would
 * otherwise run at every cold start of the functions that redact.
 */
function engine(): typeof Re2js {
  re2js ??= require('re2js') as typeof Re2js;
  return re2js;
}

/** A named pattern; `name` becomes the placeholder type (`[REDACTED:EMPLOYEE_ID]`). */
export interface CustomRule {
  /** UPPER_SNAKE type name used in placeholders and counts. */
  name: string;
  /** RE2 syntax (https://github.com/google/re2/wiki/Syntax). */
  pattern: string;
  /** Any of `i` (case-insensitive), `m` (multi-line `^`/`$`), `s` (`.` matches newline). */
  flags?: string;
}

/** Characters custom rules may scan per payload unless configured otherwise (4 MiB). */
export const DEFAULT_CUSTOM_RULE_BUDGET_CHARS = 4 * 1024 * 1024;

/** Remaining characters the custom rules may scan in the current payload. */
export interface CustomRuleBudget {
  remaining: number;
}

/** Compiled custom rules. */
export interface CustomRuleSet {
  readonly ruleCount: number;
  /**
   * Finds custom-rule matches in `text`, charging `text.length` to the budget. Returns `null`
   * (scanning nothing) when the budget cannot cover the whole text.
   */
  scan(text: string, budget: CustomRuleBudget): Detection[] | null;
}

/** A rule that matches nothing would redact nothing but still insert placeholders everywhere. */
export const EMPTY_MATCH_PROBLEM = 'pattern matches the empty string';

/**
 * Why a pattern cannot be used, or `undefined` when it compiles. Messages describe the problem
 * without echoing the pattern (it may embed a literal the project considers sensitive).
 *
 * @example
 * customPatternProblem('(?<=a)b'); // 'not valid RE2 syntax: invalid named capture (...)'
 */
export function customPatternProblem(pattern: string, flags = ''): string | undefined {
  const { RE2JS, RE2JSException } = engine();
  try {
    const compiled = RE2JS.compile(pattern, flagBits(flags));
    if (compiled.matches('')) return EMPTY_MATCH_PROBLEM;
    return undefined;
  } catch (error) {
    const description =
      error instanceof RE2JSException && 'error' in error && typeof error.error === 'string'
        ? error.error
        : 'cannot be compiled';
    return `not valid RE2 syntax: ${description} (RE2 has no look-around or back-references)`;
  }
}

function flagBits(flags: string): number {
  const { RE2JS } = engine();
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return bits;
}

/**
 * Compiles rules (already validated by `parseRedactionConfig`) into one scanner.
 *
 * @example
 * const rules = compileCustomRules([{ name: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }]);
 * rules.scan('badge EMP-123456', { remaining: 1e6 }); // [{ type: 'EMPLOYEE_ID', start: 6, end: 16 }]
 */
export function compileCustomRules(rules: readonly CustomRule[]): CustomRuleSet {
  const { RE2JS } = engine();
  const groupOf: { group: number; name: string }[] = [];
  const parts: string[] = [];
  let group = 1;
  for (const rule of rules) {
    const own = RE2JS.compile(rule.pattern, flagBits(rule.flags ?? '')).groupCount();
    const flags = (rule.flags ?? '').replace(/[^ims]/g, '');
    parts.push(flags ? `(?${flags}:(${rule.pattern}))` : `(${rule.pattern})`);
    groupOf.push({ group, name: rule.name });
    group += own + 1;
  }
  const combined = RE2JS.compile(parts.join('|'));
  return {
    ruleCount: rules.length,
    scan(text, budget) {
      if (text.length > budget.remaining) {
        budget.remaining = 0;
        return null;
      }
      budget.remaining -= text.length;
      const detections: Detection[] = [];
      for (const match of combined.matchAll(text)) {
        const value = match[0] ?? '';
        if (value.length === 0) continue;
        const rule = groupOf.find((candidate) => match[candidate.group] !== undefined);
        const start = match.index ?? 0;
        detections.push({ type: rule?.name ?? 'CUSTOM', start, end: start + value.length });
      }
      return detections;
    },
  };
}

/** Exact values and RE2 patterns (matched against a whole detected value) that are never redacted. */
export interface Allowlist {
  allows(value: string): boolean;
}

/**
 * Compiles an allowlist.
 *
 * @example
 * compileAllowlist(['support@example.com'], ['.*@example\\.org']).allows('ada@example.org'); // true
 */
export function compileAllowlist(
  values: readonly string[] = [],
  patterns: readonly string[] = [],
): Allowlist {
  const exact = new Set(values);
  const compiled = patterns.map((pattern) => engine().RE2JS.compile(pattern));
  return {
    allows: (value) => exact.has(value) || compiled.some((pattern) => pattern.testExact(value)),
  };
}
