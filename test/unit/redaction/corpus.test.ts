import { createRedactor } from '../../../shared/domain/redaction';
import { buildCorpus } from './corpus';

/**
 * Recall per type on the labelled corpus (≥ 99%) and look-alikes kept per mimicked type (≥ 98%).
 * Prints the per-type table so regressions are easy to read.
 */
describe('labelled corpus', () => {
  const redactor = createRedactor();
  const { items, lookAlikes } = buildCorpus();

  it('has hundreds of sentences covering every detector', () => {
    expect(items.length).toBeGreaterThan(500);
    expect(lookAlikes.length).toBeGreaterThan(400);
    const types = new Set(items.flatMap((item) => Object.keys(item.expect)));
    expect([...types].sort()).toEqual(
      [
        'ANTHROPIC_KEY',
        'AUTH_HEADER',
        'AWS_ACCESS_KEY',
        'CREDIT_CARD',
        'EMAIL',
        'GITHUB_TOKEN',
        'GOOGLE_API_KEY',
        'IBAN',
        'IPV4',
        'IPV6',
        'JWT',
        'OPENAI_KEY',
        'PHONE',
        'PRIVATE_KEY',
        'SECRET',
        'SLACK_TOKEN',
        'STRIPE_KEY',
        'URL_CREDENTIALS',
        'US_SSN',
      ].sort(),
    );
  });

  it('finds ≥ 99% of values of every type and keeps ≥ 98% of look-alikes of every type', () => {
    const stats = new Map<
      string,
      { expected: number; found: number; unexpected: number; misses: string[] }
    >();
    const statOf = (type: string) => {
      let stat = stats.get(type);
      if (!stat) {
        stat = { expected: 0, found: 0, unexpected: 0, misses: [] };
        stats.set(type, stat);
      }
      return stat;
    };
    for (const item of items) {
      const { counts } = redactor.redactText(item.text);
      for (const [type, expected] of Object.entries(item.expect)) {
        const stat = statOf(type);
        const found = Math.min(counts[type] ?? 0, expected);
        stat.expected += expected;
        stat.found += found;
        if (found < expected) stat.misses.push(item.text);
      }
      for (const [type, n] of Object.entries(counts)) {
        const extra = n - (item.expect[type] ?? 0);
        if (extra > 0) statOf(type).unexpected += extra;
      }
    }

    const kept = new Map<string, { total: number; kept: number; changed: string[] }>();
    for (const lookAlike of lookAlikes) {
      const { text } = redactor.redactText(lookAlike.text);
      const stat = kept.get(lookAlike.mimics) ?? { total: 0, kept: 0, changed: [] };
      stat.total += 1;
      if (text === lookAlike.text) stat.kept += 1;
      else stat.changed.push(`${lookAlike.text} → ${text}`);
      kept.set(lookAlike.mimics, stat);
    }

    const rows = [...new Set([...stats.keys(), ...kept.keys()])].sort().map((type) => {
      const s = stats.get(type);
      const k = kept.get(type);
      return [
        type.padEnd(16),
        String(s?.expected ?? '-').padStart(5),
        s ? `${((100 * s.found) / s.expected).toFixed(1)}%`.padStart(7) : '      -',
        String(s?.unexpected ?? 0).padStart(6),
        String(k?.total ?? '-').padStart(6),
        k ? `${((100 * k.kept) / k.total).toFixed(1)}%`.padStart(7) : '      -',
      ].join('  ');
    });
    console.log(
      ['type              values   recall  extra  look-a   kept', ...rows].join('\n') +
        `\nmisses: ${JSON.stringify([...stats].flatMap(([, s]) => s.misses).slice(0, 10), null, 1)}` +
        `\nchanged look-alikes: ${JSON.stringify([...kept].flatMap(([, k]) => k.changed).slice(0, 10), null, 1)}`,
    );

    for (const [type, stat] of stats) {
      expect({ type, recall: stat.found / stat.expected >= 0.99 }).toEqual({ type, recall: true });
    }
    for (const [type, stat] of kept) {
      expect({ type, kept: stat.kept / stat.total >= 0.98 }).toEqual({ type, kept: true });
    }
  });
});
