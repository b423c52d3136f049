import { createRedactor, parseRedactionConfig } from '../../../shared/domain/redaction';
import { int, pick, seededRandom } from './corpus/values';

const GIVEN = [
  'Ana',
  'Jan',
  'Priya',
  'Li',
  'Maria',
  'Kenji',
  'Fatima',
  'Olga',
  'John',
  'Chidi',
  'Sophie',
  'Rahul',
];
const SURNAMES = [
  'Souza',
  'de Vries',
  'Patel',
  'Wei',
  'Rossi',
  'Tanaka',
  'Haddad',
  'Ivanova',
  'Smith',
  'Okafor',
  'Martin',
  'Kumar',
];
const TEMPLATES = [
  'Hi, my name is {} and I need help with my order.',
  "I'm {} from the Lisbon office.",
  'Dear {},\nthank you for your message.',
  'Hello {}, can you check the invoice?',
  'Best regards,\n{}',
  'Thanks,\n{}\nHead of Ops',
  'Name: {}\nCountry: PT',
  'Yesterday I spoke to {} about the refund.',
  'Sincerely, {}',
  'Dear Dr. {},',
];
/** Capitalised phrases after the same cues, and prose with capitalised words: none is a name. */
const LOOK_ALIKES = [
  'Dear Customer, your order has shipped.',
  'Hello World in Python',
  'Hi team, the build is green.',
  'Thanks all for joining.',
  'Best regards,\nThe Billing Team',
  'I am Trying to deploy on Monday',
  'This is Kubernetes, not Docker Swarm.',
  'My name is not important here.',
  'We moved from New York to San Francisco in March.',
  'Amazon Web Services and Google Cloud both work.',
  'Use Visual Studio Code with the Python extension.',
  'Claude Sonnet and Gemini Pro were compared.',
  'Name: Required Field',
  'Dear Sir or Madam,',
  'Hello Support, my ticket is open.',
  'The Eiffel Tower is in Paris.',
  'Cheers, Everyone',
  'See the Release Notes for Version Two.',
];

describe('PERSON (opt-in)', () => {
  it('is off by default and enabled per project', () => {
    expect(createRedactor().redactText('my name is Ana Souza').counts).toEqual({});
    expect(parseRedactionConfig({ enabled: ['PERSON'] })).toEqual({ enabled: ['PERSON'] });
    expect(() => parseRedactionConfig({ enabled: ['EMAIL'] })).toThrow();
    expect(
      createRedactor({ enabled: ['PERSON'], disabled: ['PERSON'] }).redactText('my name is Ana Souza').counts,
    ).toEqual({});
  });

  it('masks names after cues and listed given names with a surname, keeping the cue', () => {
    const redactor = createRedactor({ enabled: ['PERSON'] });
    expect(redactor.redactText('Hi, my name is Ana Souza.').text).toBe('Hi, my name is [REDACTED:PERSON].');
    expect(redactor.redactText('Best regards,\nJan de Vries').text).toBe('Best regards,\n[REDACTED:PERSON]');
    expect(redactor.redactText('Dear Ms. Okafor,').text).toBe('Dear Ms. [REDACTED:PERSON],');
    expect(redactor.redactText('I spoke to Maria Rossi today').text).toBe(
      'I spoke to [REDACTED:PERSON] today',
    );
    expect(redactor.redactValue({ signature: 'Thanks,\nPriya Patel' }).value).toEqual({
      signature: 'Thanks,\n[REDACTED:PERSON]',
    });
  });

  it('measures recall and precision on generated names and look-alikes', () => {
    const redactor = createRedactor({ enabled: ['PERSON'] });
    const random = seededRandom(31);
    let found = 0;
    let total = 0;
    let falsePositives = 0;
    for (let i = 0; i < 200; i++) {
      const name = `${pick(random, GIVEN)} ${pick(random, SURNAMES)}`;
      const text = pick(random, TEMPLATES).replace('{}', name);
      const { text: out, counts } = redactor.redactText(text);
      total += 1;
      if (!out.includes(name.split(' ')[0]!) && counts.PERSON === 1) found += 1;
      falsePositives += Math.max(0, (counts.PERSON ?? 0) - 1);
    }
    let keptLookAlikes = 0;
    for (let i = 0; i < LOOK_ALIKES.length * 5; i++) {
      const text = LOOK_ALIKES[i % LOOK_ALIKES.length]!.replace(
        'Version Two',
        `Version ${int(random, 2, 9)}`,
      );
      const { counts } = redactor.redactText(text);
      if (!counts.PERSON) keptLookAlikes += 1;
      else falsePositives += counts.PERSON;
    }
    const precision = found / (found + falsePositives);
    console.log(
      `PERSON: recall ${((100 * found) / total).toFixed(1)}% (${found}/${total}), look-alikes kept ${((100 * keptLookAlikes) / (LOOK_ALIKES.length * 5)).toFixed(1)}%, precision ${(100 * precision).toFixed(1)}%`,
    );
    expect(found / total).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });
});
