/**
 * The redactor: built-in detectors, custom rules, allowlist, drop paths and secret key names
 * applied to a text or to every string of a JSON value.
 */
import { BLOB_DETECTOR_TYPES, isBinaryBlob } from './blobs';
import { parseRedactionConfig, type RedactionConfig } from './config';
import {
  type CustomRuleBudget,
  type CustomRuleSet,
  compileAllowlist,
  compileCustomRules,
  DEFAULT_CUSTOM_RULE_BUDGET_CHARS,
} from './custom-rules';
import {
  BUILTIN_DETECTOR_TYPES,
  type BuiltinDetectorType,
  isPlaceholder,
  OPT_IN_DETECTOR_TYPES,
  type Span,
} from './detectors';
import { RedactionBudgetExceededError } from './errors';
import { DropPathMatcher, type PathStates, parseDropPath } from './paths';
import { createReplacer, type Replacer } from './replacement';
import { type BuiltinScanner, builtinScanner, type Detection } from './scanner';
import { isSecretKeyName, normalizeKeyName } from './secret-keys';
import { scanDecoded } from './transit';

/** Counts of replaced values by detector type (`EMAIL`, `OPENAI_KEY`, ...), never the values. */
export type RedactionCounts = Record<string, number>;

export interface Redactor {
  /** Redacts one string. */
  redactText(text: string): { text: string; counts: RedactionCounts };
  /** Redacts every string in a JSON value, object keys included (structure preserved except drop paths). */
  redactValue<T>(value: T): { value: T; counts: RedactionCounts };
}

/** State of one `redactText`/`redactValue` call: the counts and the custom-rule budget. */
interface Run {
  counts: RedactionCounts;
  budget: CustomRuleBudget;
}

interface Engine {
  scanner: BuiltinScanner;
  blobScanner: BuiltinScanner;
  customRules?: CustomRuleSet;
  allows?: (value: string) => boolean;
  replace: Replacer;
  secretKeys: ReadonlySet<string>;
  secretDisabled: boolean;
  dropPaths: DropPathMatcher;
  budgetChars: number;
  throwOnBudget: boolean;
}

function count(run: Run, type: string): void {
  run.counts[type] = (run.counts[type] ?? 0) + 1;
}

/** Orders detections by start and drops any that overlaps an earlier (or equal-start, longer) one. */
function mergeDetections(builtin: Detection[], custom: Detection[], placeholders: Span[]): Detection[] {
  const outsidePlaceholders = custom.filter(
    (detection) => !placeholders.some((span) => detection.start < span.end && span.start < detection.end),
  );
  if (outsidePlaceholders.length === 0) return builtin;
  const all = [...builtin, ...outsidePlaceholders].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Detection[] = [];
  let cursor = 0;
  for (const detection of all) {
    if (detection.start < cursor) continue;
    merged.push(detection);
    cursor = detection.end;
  }
  return merged;
}

/**
 * Characters next to a replaced value that cannot change any detector's decision: detectors look
 * one character past their candidate (two for `.` followed by a digit or letter: a domain or a
 * decimal continues), and none starts or ends with one of these.
 */
const NEUTRAL_BEFORE = /[\s,;!?"'<>)}\]/]/;
const NEUTRAL_AFTER = /[\s.,;!?"'<>)}\]/]/;

/** Passes over a text at most; in practice one, two when a value sat right against another. */
const MAX_PASSES = 4;

function redactString(engine: Engine, text: string, run: Run, fieldName?: string, pass = 1): string {
  if (text.length === 0) return text;
  const blob = isBinaryBlob(text);
  const outcome = blob ? engine.blobScanner.scan(text) : scanDecoded(engine.scanner, text, fieldName);
  let detections = outcome.detections;
  if (engine.customRules && !blob) {
    const custom = engine.customRules.scan(text, run.budget);
    if (custom === null) {
      if (engine.throwOnBudget) {
        throw new RedactionBudgetExceededError(engine.budgetChars, engine.customRules.ruleCount);
      }
      count(run, 'UNSCANNED');
      return '[REDACTED:UNSCANNED]';
    }
    detections = mergeDetections(detections, custom, outcome.placeholders);
  }
  if (detections.length === 0) return text;
  let out = '';
  let cursor = 0;
  // Boundaries were judged against the original neighbours; when a replaced value touched a
  // non-neutral character, its placeholder may reveal a value the first pass could not see
  // (`ada@example.com(415) 555-2671`), so the output gets another pass. This keeps redaction
  // idempotent: the result is a fixed point.
  let touching = false;
  for (const detection of detections) {
    const value = text.slice(detection.start, detection.end);
    if (engine.allows?.(value)) continue;
    out += text.slice(cursor, detection.start) + engine.replace(detection.type, value);
    cursor = detection.end;
    count(run, detection.type);
    const before = text[detection.start - 1];
    const after = text[detection.end];
    if (
      (before !== undefined && !NEUTRAL_BEFORE.test(before)) ||
      (after !== undefined && !NEUTRAL_AFTER.test(after))
    ) {
      touching = true;
    }
  }
  if (cursor === 0) return text;
  out += text.slice(cursor);
  return touching && pass < MAX_PASSES ? redactString(engine, out, run, fieldName, pass + 1) : out;
}

/** A string (or number) stored under a secret-named key is replaced whole. */
function redactSecretLeaf(engine: Engine, value: string | number, run: Run): string | number {
  const text = String(value);
  if (text.length === 0 || isPlaceholder(text) || engine.allows?.(text)) return value;
  count(run, 'SECRET');
  return engine.replace('SECRET', text);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const NO_STATES: PathStates = [];

function walk(
  engine: Engine,
  node: unknown,
  run: Run,
  states: PathStates,
  secret: boolean,
  fieldName?: string,
): unknown {
  if (typeof node === 'string') {
    return secret ? redactSecretLeaf(engine, node, run) : redactString(engine, node, run, fieldName);
  }
  if (typeof node === 'number')
    return secret && Number.isFinite(node) ? redactSecretLeaf(engine, node, run) : node;
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    const out: unknown[] = new Array(node.length);
    for (let i = 0; i < node.length; i++) {
      const step = states.length === 0 ? undefined : engine.dropPaths.step(states, i);
      if (step?.drop) {
        count(run, 'DROPPED');
        out[i] = null;
      } else {
        // Arrays under a secret key (`"authorization": ["Bearer …"]`) are secret too.
        out[i] = walk(engine, node[i], run, step?.states ?? NO_STATES, secret, fieldName);
      }
    }
    return out;
  }
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  // OpenAI logprobs carry `{ token, logprob, bytes }`: there `token` is model output, not a credential.
  const logprobEntry = 'logprob' in node;
  for (const key of Object.keys(node)) {
    const step = states.length === 0 ? undefined : engine.dropPaths.step(states, key);
    if (step?.drop) {
      count(run, 'DROPPED');
      continue;
    }
    const secretKey =
      !engine.secretDisabled &&
      isSecretKeyName(key, engine.secretKeys) &&
      !(logprobEntry && normalizeKeyName(key) === 'token');
    // The key goes along: it can name an identifier (`"bsn": "111222333"`).
    const value = walk(engine, node[key], run, step?.states ?? NO_STATES, secretKey, key);
    const outKey = redactKey(engine, key, run, out);
    if (outKey === '__proto__') {
      Object.defineProperty(out, outKey, { value, enumerable: true, writable: true, configurable: true });
    } else {
      out[outKey] = value;
    }
  }
  return out;
}

/**
 * An object key is text like any other (`{"ada@example.com": 3}`), so it is redacted too. Drop
 * paths and secret key names are matched on the key as sent. Two keys that redact alike keep
 * both values: the later one gets a ` (2)`, ` (3)`… suffix.
 */
function redactKey(engine: Engine, key: string, run: Run, out: Record<string, unknown>): string {
  const redacted = redactString(engine, key, run);
  if (redacted === key || !Object.hasOwn(out, redacted)) return redacted;
  let n = 2;
  while (Object.hasOwn(out, `${redacted} (${n})`)) n++;
  return `${redacted} (${n})`;
}

function compileEngine(config: RedactionConfig): Engine {
  // Opt-in detectors run only when enabled (and not also disabled).
  const enabled: readonly BuiltinDetectorType[] = config.enabled ?? [];
  const disabled: BuiltinDetectorType[] = [
    ...(config.disabled ?? []),
    ...OPT_IN_DETECTOR_TYPES.filter((type) => !enabled.includes(type)),
  ];
  const secretKeys = new Set((config.secretKeys ?? []).map(normalizeKeyName));
  const allowValues = config.allowlist?.values ?? [];
  const allowPatterns = config.allowlist?.patterns ?? [];
  const allowlist =
    allowValues.length + allowPatterns.length > 0 ? compileAllowlist(allowValues, allowPatterns) : undefined;
  return {
    scanner: builtinScanner(disabled, { secretKeys }),
    blobScanner: builtinScanner(
      BUILTIN_DETECTOR_TYPES.filter((type) => disabled.includes(type) || !BLOB_DETECTOR_TYPES.includes(type)),
    ),
    customRules: config.customRules?.length ? compileCustomRules(config.customRules) : undefined,
    allows: allowlist?.allows,
    replace: createReplacer(config.style ?? 'placeholder', config.hashSecret, config.hashLength),
    secretKeys,
    secretDisabled: disabled.includes('SECRET'),
    dropPaths: new DropPathMatcher((config.dropPaths ?? []).map(parseDropPath)),
    budgetChars: config.customRuleBudgetChars ?? DEFAULT_CUSTOM_RULE_BUDGET_CHARS,
    throwOnBudget: config.onBudgetExceeded === 'throw',
  };
}

/**
 * Creates a redactor for one project's configuration. The configuration is validated (and its
 * patterns compiled) once, here.
 *
 * @throws {InvalidRedactionConfigError} when the configuration is invalid.
 * @example
 * const { text, counts } = createRedactor().redactText('mail me at ada@example.com');
 * // text === 'mail me at [REDACTED:EMAIL]', counts === { EMAIL: 1 }
 *
 * const hashed = createRedactor({ style: 'hash', hashSecret: process.env.REDACTION_KEY });
 * hashed.redactText('ada@example.com').text; // '[EMAIL:3f9a1c]' (same value → same hash)
 */
export function createRedactor(config: RedactionConfig = {}): Redactor {
  const engine = compileEngine(parseRedactionConfig(config));
  const newRun = (): Run => ({ counts: {}, budget: { remaining: engine.budgetChars } });

  return {
    redactText(text) {
      const run = newRun();
      return { text: redactString(engine, text, run), counts: run.counts };
    },
    redactValue<T>(value: T) {
      const run = newRun();
      const states = engine.dropPaths.empty ? NO_STATES : engine.dropPaths.initial();
      return { value: walk(engine, value, run, states, false) as T, counts: run.counts };
    },
  };
}
