/**
 * Redaction engine: removes personal data and secrets from text and JSON values before
 * anything is stored. Domain code: no AWS imports.
 *
 * This is the first cut (issue A); the redaction issue owns the full detector set. The
 * exported API (`createRedactor`, `Redactor`, `RedactionCounts`) is the contract the
 * processor depends on.
 */

/** Counts of replaced values by detector type (`EMAIL`, `OPENAI_KEY`, ...), never the values. */
export type RedactionCounts = Record<string, number>;

export interface RedactionConfig {
  /** Detector types to skip. */
  disabled?: string[];
}

export interface Redactor {
  /** Redacts one string. */
  redactText(text: string): { text: string; counts: RedactionCounts };
  /** Redacts every string in a JSON value (keys kept, structure preserved). */
  redactValue<T>(value: T): { value: T; counts: RedactionCounts };
}

interface Detector {
  type: string;
  pattern: RegExp;
}

const DETECTORS: Detector[] = [
  { type: 'EMAIL', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/g },
  { type: 'OPENAI_KEY', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g },
  { type: 'AWS_ACCESS_KEY', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
];

const SECRET_KEY_NAMES = /^(?:password|passwd|secret|api[_-]?key|token|authorization|access[_-]?token)$/i;

/**
 * Creates a redactor for one project's configuration.
 *
 * @example
 * const { text, counts } = createRedactor().redactText('mail me at ada@example.com');
 * // text === 'mail me at [REDACTED:EMAIL]', counts === { EMAIL: 1 }
 */
export function createRedactor(config: RedactionConfig = {}): Redactor {
  const detectors = DETECTORS.filter((detector) => !config.disabled?.includes(detector.type));

  const redactText = (text: string) => {
    const counts: RedactionCounts = {};
    let out = text;
    for (const detector of detectors) {
      out = out.replace(detector.pattern, () => {
        counts[detector.type] = (counts[detector.type] ?? 0) + 1;
        return `[REDACTED:${detector.type}]`;
      });
    }
    return { text: out, counts };
  };

  const redactValue = <T>(value: T) => {
    const counts: RedactionCounts = {};
    const add = (more: RedactionCounts) => {
      for (const [type, n] of Object.entries(more)) counts[type] = (counts[type] ?? 0) + n;
    };
    const walk = (node: unknown, key?: string): unknown => {
      if (typeof node === 'string') {
        if (key !== undefined && SECRET_KEY_NAMES.test(key) && node.length > 0) {
          add({ SECRET: 1 });
          return '[REDACTED:SECRET]';
        }
        const result = redactText(node);
        add(result.counts);
        return result.text;
      }
      if (Array.isArray(node)) return node.map((item) => walk(item));
      if (node && typeof node === 'object') {
        return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
      }
      return node;
    };
    return { value: walk(value) as T, counts };
  };

  return { redactText, redactValue };
}
