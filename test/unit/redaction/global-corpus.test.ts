import { createRedactor } from '../../../shared/domain/redaction';
import { buildGlobalCorpus, FORMS, type GlobalItem } from './corpus/global';

/**
 * Recall per family on the global corpus (≥ 99%) and look-alikes kept per family they resemble
 * (≥ 99%). Prints the per-family table (recall by form, too) so regressions are easy to read.
 */
describe('global corpus', () => {
  const redactor = createRedactor();
  const { items, lookAlikes } = buildGlobalCorpus();

  const countsOf = (input: GlobalItem['input']) =>
    typeof input === 'string' ? redactor.redactText(input).counts : redactor.redactValue(input).counts;
  const unchanged = (input: GlobalItem['input']) =>
    typeof input === 'string'
      ? redactor.redactText(input).text === input
      : JSON.stringify(redactor.redactValue(input).value) === JSON.stringify(input);

  it('has at least 1,000 texts across the families, in every form', () => {
    expect(items.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(items.map((item) => item.form))).toEqual(new Set(FORMS));
    expect(lookAlikes.length).toBeGreaterThanOrEqual(600);
  });

  it('finds ≥ 99% of the values of every family and keeps ≥ 99% of the look-alikes of every family', () => {
    const recall = new Map<
      string,
      { expected: number; found: number; byForm: Record<string, [number, number]>; misses: string[] }
    >();
    for (const item of items) {
      const counts = countsOf(item.input);
      const stat = recall.get(item.family) ?? { expected: 0, found: 0, byForm: {}, misses: [] };
      for (const [type, expected] of Object.entries(item.expect)) {
        const found = Math.min(counts[type] ?? 0, expected);
        stat.expected += expected;
        stat.found += found;
        const form = stat.byForm[item.form] ?? [0, 0];
        stat.byForm[item.form] = form;
        form[0] += found;
        form[1] += expected;
        if (found < expected) stat.misses.push(`${JSON.stringify(item.input)} → ${JSON.stringify(counts)}`);
      }
      recall.set(item.family, stat);
    }
    const kept = new Map<string, { total: number; kept: number; changed: string[] }>();
    for (const lookAlike of lookAlikes) {
      const stat = kept.get(lookAlike.mimics) ?? { total: 0, kept: 0, changed: [] };
      stat.total += 1;
      if (unchanged(lookAlike.input)) stat.kept += 1;
      else stat.changed.push(JSON.stringify(lookAlike.input));
      kept.set(lookAlike.mimics, stat);
    }

    const percent = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
    const rows = [...new Set([...recall.keys(), ...kept.keys()])].sort().map((family) => {
      const r = recall.get(family);
      const k = kept.get(family);
      const forms = FORMS.map((form) => {
        const f = r?.byForm[form];
        return (f ? percent(f[0], f[1]) : '-').padStart(7);
      });
      return [
        family.padEnd(27),
        String(r?.expected ?? '-').padStart(6),
        (r ? percent(r.found, r.expected) : '-').padStart(7),
        ...forms,
        String(k?.total ?? '-').padStart(6),
        (k ? percent(k.kept, k.total) : '-').padStart(7),
      ].join('  ');
    });
    console.log(
      [
        `family                       values   recall     text     json      url  escaped  look-a     kept`,
        ...rows,
      ].join('\n') +
        `\nmisses: ${JSON.stringify([...recall.values()].flatMap((s) => s.misses).slice(0, 12), null, 1)}` +
        `\nchanged look-alikes: ${JSON.stringify([...kept.values()].flatMap((s) => s.changed).slice(0, 12), null, 1)}`,
    );

    for (const [family, stat] of recall) {
      expect({ family, recall: stat.found / stat.expected >= 0.99 }).toEqual({ family, recall: true });
    }
    for (const [family, stat] of kept) {
      expect({ family, kept: stat.kept / stat.total >= 0.99 }).toEqual({ family, kept: true });
    }
  });
});
