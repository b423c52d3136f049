/**
 * `PERSON` (off unless a project enables it): names found by what surrounds them, as PII
 * recognizers do (Presidio's context words): a self-introduction (`my name is Ana Souza`, `I'm
 * Li Wei`), a salutation (`Dear Ms. Okafor`, `Hello Jane,`), a sign-off (`Best regards,\nJan de
 * Vries`), a form label (`Name: Priya Patel`), or a common given name followed by a capitalised
 * surname (`… spoke to Maria Rossi …`). Capitalised words only; words that start salutations
 * without being names (`Dear Customer`, `Hi team`, `Thanks all`) are kept.
 */
import type { BuiltinDetector, Span } from './detectors';
import { GIVEN_NAMES } from './person-names';

/** Cue phrases before a name (matched in any letter case). */
const CUES = [
  'my name is',
  'i am',
  "i'm",
  'this is',
  'dear',
  'hello',
  'regards,',
  'thanks,',
  'thank you,',
  'sincerely,',
  'cheers,',
  'best,',
  'name:',
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'signed,',
];

/** Capitalised words that follow cues without being names. */
const NOT_NAMES = new Set([
  'all',
  'everyone',
  'team',
  'there',
  'customer',
  'customers',
  'sir',
  'madam',
  'friend',
  'friends',
  'support',
  'admin',
  'user',
  'guys',
  'folks',
  'world',
  'again',
  'and',
  'the',
  'a',
  'an',
  'i',
  'so',
  'not',
  'sure',
  'sorry',
  'happy',
  'here',
  'just',
  'good',
  'great',
  'glad',
  'back',
  'new',
  'trying',
  'looking',
  'having',
  'working',
  'using',
  'writing',
  'getting',
  'going',
  'able',
  'unable',
  'interested',
  'excited',
  'confused',
  'please',
  'thanks',
  'thank',
  'regards',
  'best',
  'kind',
  'warm',
  'hiring',
  'manager',
  'sales',
  'billing',
  'hr',
  'it',
  'ops',
  'devops',
  'claude',
  'chatgpt',
  'gpt',
  'gemini',
  'assistant',
  'bot',
  'model',
  'openai',
  'anthropic',
  'google',
  'microsoft',
  'amazon',
  'aws',
  'azure',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'english',
  'french',
  'german',
  'spanish',
  'python',
  'java',
  'javascript',
  'typescript',
  'react',
  'node',
  'docker',
  'kubernetes',
  'sql',
  'api',
  'ceo',
  'cto',
  'required',
  'optional',
  'field',
  'unknown',
  'none',
  'test',
  'example',
  'sample',
  'your',
  'my',
  'our',
]);

const WORD = "[A-Z][a-z\\u00C0-\\u024F'’-]{1,30}";
/** Lower-case particles inside surnames (`Jan de Vries`, `Ludwig van Beethoven`). */
const PARTICLE = '(?:de|da|di|do|du|la|le|van|von|der|den|del|dos|das|bin|al)[ \\t]';
/** A name: up to three capitalised words (with particles), optionally after a title. */
const NAME = `(?:(?:Mr|Mrs|Ms|Dr)\\.? )?${WORD}(?:[ \\t](?:${PARTICLE}){0,2}${WORD}){0,2}`;

function anyCasePattern(phrase: string): string {
  return phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/** Where the name starts: after the cue and the spaces (or line break) following it. */
function nameStart(text: string, start: number, end: number): number {
  const lower = text.slice(start, Math.min(end, start + 16)).toLowerCase();
  const cue = CUES.find((phrase) => lower.startsWith(phrase));
  let from = start + (cue?.length ?? 0);
  while (from < end && /\s/.test(text[from]!)) from++;
  return from;
}

/** The words of a candidate name, without a title. */
function wordsOf(name: string): string[] {
  return name.replace(/^(?:Mr|Mrs|Ms|Dr)\.? /, '').split(/[ \t]/);
}

const PARTICLES = new Set([
  'de',
  'da',
  'di',
  'do',
  'du',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'del',
  'dos',
  'das',
  'bin',
  'al',
]);

/** Trims trailing words that are not names (`Hi Jane Thanks` → `Jane`); null when none is left. */
function nameSpan(text: string, from: number, end: number, requireTwoWords: boolean): Span | null {
  let words = wordsOf(text.slice(from, end));
  const cut = words.findIndex((word) => NOT_NAMES.has(word.toLowerCase().replace(/['’-].*$/, '')));
  if (cut >= 0) words = words.slice(0, cut);
  while (words.length > 0 && PARTICLES.has(words[words.length - 1]!)) words.pop();
  const capitalised = words.filter((word) => !PARTICLES.has(word)).length;
  if (capitalised === 0 || capitalised < (requireTwoWords ? 2 : 1)) return null;
  const text0 = text.slice(from, end);
  const title = /^(?:Mr|Mrs|Ms|Dr)\.? /.exec(text0)?.[0] ?? '';
  const kept = title + words.join(' ');
  const stop = from + kept.length;
  return { start: from + title.length, end: stop };
}

function checkCue(text: string, start: number, end: number): Span | null {
  const from = nameStart(text, start, end);
  if (from >= end) return null;
  // After a title (`Ms. Okafor`) the name may be a surname alone; a greeting needs a known word order.
  return nameSpan(text, from, end, false);
}

function checkGivenName(text: string, start: number, end: number): Span | null {
  const first = /^[A-Z][a-z\u00C0-\u024F'’-]+/.exec(text.slice(start, end))?.[0];
  if (!first || !GIVEN_NAMES.has(first)) return null;
  // A given name alone is too often a word (`May`, `Will`): a capitalised surname must follow.
  return nameSpan(text, start, end, true);
}

/** `PERSON` detectors: after a cue, or a listed given name and a surname. */
export function personDetectors(otherTriggers: readonly string[]): BuiltinDetector[] {
  // A given name that is a prefix of another detector's trigger (or has one as its prefix) would
  // hide it: triggers found at one position must be distinct.
  const lower = otherTriggers.map((trigger) => trigger.toLowerCase());
  // Triggers are ASCII (`Jose` and `José` share a list entry's ASCII spelling).
  const names = [...GIVEN_NAMES].filter((name) => {
    const key = name.toLowerCase();
    if (!/^[a-z-]+$/.test(key)) return false;
    return !lower.some((other) => other.startsWith(key) || key.startsWith(other));
  });
  return [
    {
      type: 'PERSON',
      triggers: CUES.map((cue) => ({ anyCase: cue })),
      source: `(?<![A-Za-z])(?:${CUES.map(anyCasePattern).join('|')})(?:[ \\t]{1,4}|[ \\t]*\\r?\\n[ \\t]*)${NAME}`,
      check: checkCue,
    },
    {
      type: 'PERSON',
      triggers: names,
      source: `(?<![A-Za-z])${NAME.replace(`(?:(?:Mr|Mrs|Ms|Dr)\\.? )?`, '')}(?![A-Za-z])`,
      check: checkGivenName,
    },
  ];
}
