/**
 * Credentials of the services LLM applications call, recognised by their own format (prefix,
 * alphabet, length) whatever key name they are stored under. Formats follow the published
 * rule sets of secret scanners (gitleaks, secretlint); the code is ours.
 */
import type { BuiltinDetector, Span } from './detectors';
import { hasDigitAndLetter, KEY_END, KEY_START, NOT_AFTER_WORD, NOT_BEFORE_WORD } from './patterns';

function withDigitAndLetter(text: string, start: number, end: number): Span | null {
  return hasDigitAndLetter(text.slice(start, end)) ? { start, end } : null;
}

/** Groq keys: the pattern starts at `sk_`; the `g` before it belongs to the key. */
function withGroqPrefix(
  text: string,
  start: number,
  end: number,
  _context: unknown,
  floor: number,
): Span | null {
  return start - 1 >= floor ? withDigitAndLetter(text, start - 1, end) : null;
}

/** `AccountKey=…`: keeps the name, redacts the key. */
function afterEquals(text: string, start: number, end: number): Span | null {
  const equals = text.indexOf('=', start);
  return equals >= 0 && equals < end ? { start: equals + 1, end } : null;
}

/** `https://hooks.slack.com/…`: the pattern starts at the host; the scheme before it belongs to the URL. */
function withScheme(text: string, start: number, end: number, _context: unknown, floor: number): Span | null {
  for (const scheme of ['https://', 'http://']) {
    const from = start - scheme.length;
    if (from >= floor && text.startsWith(scheme, from)) return { start: from, end };
  }
  return { start, end };
}

/** Telegram bot tokens: the pattern starts at the `:`; the bot id digits before it belong to the token. */
function withBotId(
  text: string,
  colonAt: number,
  end: number,
  _context: unknown,
  floor: number,
): Span | null {
  let start = colonAt;
  while (start > floor && colonAt - start < 10 && /\d/.test(text[start - 1]!)) start--;
  if (colonAt - start < 8 || (start > 0 && /[A-Za-z0-9_:]/.test(text[start - 1]!))) return null;
  return { start, end };
}

/** Service credentials, before the generic detectors (`SECRET`) so the specific type is reported. */
export const SERVICE_KEY_DETECTORS: readonly BuiltinDetector[] = [
  {
    type: 'HUGGINGFACE_TOKEN',
    triggers: ['hf_', 'api_org_'],
    source: `${NOT_AFTER_WORD}(?:hf|api_org)_[A-Za-z]{34}${NOT_BEFORE_WORD}`,
  },
  {
    type: 'NPM_TOKEN',
    triggers: ['npm_'],
    source: `${NOT_AFTER_WORD}npm_[A-Za-z0-9]{36}${NOT_BEFORE_WORD}`,
    check: withDigitAndLetter,
  },
  {
    type: 'GITLAB_TOKEN',
    // Personal, deploy, runner, CI job and pipeline trigger tokens, and runner registration tokens.
    triggers: ['glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'GR1348941'],
    source: `${KEY_START}(?:gl(?:pat|dt|rt|cbt)-[A-Za-z0-9_-]{20,64}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?|glptt-[0-9a-f]{40}|GR1348941[A-Za-z0-9_-]{20,64})${KEY_END}`,
    check: withDigitAndLetter,
  },
  {
    type: 'SENDGRID_KEY',
    triggers: ['SG.'],
    source: `${KEY_START}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${KEY_END}`,
  },
  {
    type: 'TWILIO_KEY',
    triggers: ['SK'],
    source: '(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])',
    check: withDigitAndLetter,
  },
  {
    type: 'GOOGLE_OAUTH_SECRET',
    triggers: ['GOCSPX-'],
    source: `${KEY_START}GOCSPX-[A-Za-z0-9_-]{28}${KEY_END}`,
  },
  {
    type: 'SLACK_WEBHOOK',
    triggers: ['hooks.slack.com/'],
    source: `(?<![A-Za-z0-9.-])hooks\\.slack\\.com\\/(?:services|workflows|triggers)\\/[A-Za-z0-9_/-]{20,200}`,
    check: withScheme,
  },
  {
    type: 'PYPI_TOKEN',
    triggers: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'],
    source: `${KEY_START}pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}${KEY_END}`,
  },
  {
    type: 'DIGITALOCEAN_TOKEN',
    triggers: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    source: `${NOT_AFTER_WORD}do[opr]_v1_[a-f0-9]{64}${NOT_BEFORE_WORD}`,
  },
  {
    type: 'SHOPIFY_TOKEN',
    triggers: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    source: `${NOT_AFTER_WORD}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${NOT_BEFORE_WORD}`,
  },
  {
    type: 'GROQ_KEY',
    // Found at its `sk_` (shared with Stripe's keys: one trigger, so `g` is not an anchor).
    triggers: ['sk_'],
    source: `sk_(?<=${NOT_AFTER_WORD}gsk_)[A-Za-z0-9]{52}${NOT_BEFORE_WORD}`,
    check: withGroqPrefix,
  },
  {
    type: 'XAI_KEY',
    triggers: ['xai-'],
    source: `${KEY_START}xai-[A-Za-z0-9]{80}${KEY_END}`,
    check: withDigitAndLetter,
  },
  {
    type: 'AZURE_STORAGE_KEY',
    triggers: ['AccountKey=', 'SharedAccessKey='],
    source:
      '(?<![A-Za-z0-9])(?:AccountKey=[A-Za-z0-9+/]{86}==|SharedAccessKey=[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])',
    check: afterEquals,
  },
];

/** A Telegram bot token (`123456789:AA…`): joins the `:` trigger group. */
export const TELEGRAM_DETECTOR: BuiltinDetector = {
  type: 'TELEGRAM_BOT_TOKEN',
  triggers: [':'],
  prefilter: (text, at) =>
    text.charCodeAt(at - 1) >= 48 && text.charCodeAt(at - 1) <= 57 && text[at + 1] === 'A',
  source: `:(?<=\\d{8}:)A[A-Za-z0-9_-]{34}${KEY_END}`,
  check: withBotId,
};

/** Types of the service credential detectors. */
export const SERVICE_KEY_TYPES = [
  'HUGGINGFACE_TOKEN',
  'NPM_TOKEN',
  'GITLAB_TOKEN',
  'SENDGRID_KEY',
  'TWILIO_KEY',
  'GOOGLE_OAUTH_SECRET',
  'SLACK_WEBHOOK',
  'PYPI_TOKEN',
  'DIGITALOCEAN_TOKEN',
  'SHOPIFY_TOKEN',
  'GROQ_KEY',
  'XAI_KEY',
  'AZURE_STORAGE_KEY',
  'TELEGRAM_BOT_TOKEN',
] as const;
