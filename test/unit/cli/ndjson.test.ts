import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { deterministicId, parseNdjsonLine, readLines } from '../../../shared/cli/ndjson';

describe('parseNdjsonLine', () => {
  it.each([
    ['', 'blank'],
    ['   \t', 'blank'],
    ['{oops', 'unreadable'],
    ['{"id":"a","provider":"openai"}', 'item'],
    ['[1,2]', 'item'],
    ['42', 'item'],
  ])('%j is %s', (text, kind) => {
    expect(parseNdjsonLine(text, 1).kind).toBe(kind);
  });

  it('keeps a line with an id exactly as written', () => {
    const text = '{"id":"call-1","provider":"openai","usage":{"inputTokens":12345678901234567890}}';
    expect(parseNdjsonLine(`  ${text} `, 4)).toEqual({ kind: 'item', line: 4, id: 'call-1', json: text });
  });

  it('inserts a deterministic id into a line without one, leaving the rest as written', () => {
    const text = '{ "provider": "openai", "n": 12345678901234567890 }';
    const parsed = parseNdjsonLine(text, 7);
    expect(parsed).toEqual({
      kind: 'item',
      line: 7,
      id: deterministicId(text, 7),
      json: `{"id":"${deterministicId(text, 7)}","provider": "openai", "n": 12345678901234567890 }`,
    });
    if (parsed.kind !== 'item') throw new Error('expected an item');
    expect(JSON.parse(parsed.json)).toMatchObject({ id: parsed.id, provider: 'openai' });
    expect(parseNdjsonLine('{}', 2)).toMatchObject({ json: `{"id":"${deterministicId('{}', 2)}"}` });
    expect(parseNdjsonLine('{ }', 2)).toMatchObject({ json: `{"id":"${deterministicId('{ }', 2)}"}` });
  });

  it('passes a non-string id on for the API to reject, without inventing one', () => {
    expect(parseNdjsonLine('{"id":7}', 1)).toEqual({
      kind: 'item',
      line: 1,
      id: undefined,
      json: '{"id":7}',
    });
  });

  it('names where the JSON breaks, never the text', () => {
    const parsed = parseNdjsonLine('{"content": "jane.doe@example.com" oops}', 3);
    expect(parsed).toEqual({
      kind: 'unreadable',
      line: 3,
      message: expect.stringMatching(/^not valid JSON/),
    });
    expect(JSON.stringify(parsed)).not.toContain('jane');
    expect(JSON.stringify(parsed)).not.toContain('oops');
  });

  it('ignores a byte order mark on the first line', () => {
    expect(parseNdjsonLine('\uFEFF{"id":"a"}', 1)).toMatchObject({ kind: 'item', id: 'a' });
  });

  it('always yields JSON with the id it reports, for any object line', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.integer({ min: 1, max: 1e6 }),
        (value, line) => {
          delete (value as Record<string, unknown>).id;
          const parsed = parseNdjsonLine(JSON.stringify(value), line);
          if (parsed.kind !== 'item') return false;
          return (JSON.parse(parsed.json) as { id: unknown }).id === parsed.id;
        },
      ),
    );
  });
});

describe('deterministicId', () => {
  it('is the same for the same text and line, and differs by line and by text', () => {
    const text = '{"provider":"openai","model":"gpt-4o"}';
    expect(deterministicId(text, 3)).toBe(deterministicId(text, 3));
    expect(deterministicId(` ${text}\r`, 3)).toBe(deterministicId(text, 3));
    expect(deterministicId(text, 4)).not.toBe(deterministicId(text, 3));
    expect(deterministicId('{"provider":"openai","model":"gpt-4o-mini"}', 3)).not.toBe(
      deterministicId(text, 3),
    );
  });

  it('is a valid interaction id', () => {
    expect(deterministicId('{}', 1)).toMatch(/^ndjson-[0-9a-f]{32}$/);
  });
});

describe('readLines', () => {
  it('numbers the lines of a string and of a file alike, CRLF or LF', async () => {
    const text = 'a\r\n\r\nb\nc\n';
    const fromText: unknown[] = [];
    for await (const line of readLines({ text })) fromText.push(line);
    const dir = mkdtempSync(join(tmpdir(), 'tokentrail-ndjson-'));
    try {
      writeFileSync(join(dir, 'in.ndjson'), text);
      const fromFile: unknown[] = [];
      for await (const line of readLines({ file: join(dir, 'in.ndjson') })) fromFile.push(line);
      expect(fromText).toEqual([
        { text: 'a', line: 1 },
        { text: '', line: 2 },
        { text: 'b', line: 3 },
        { text: 'c', line: 4 },
      ]);
      expect(fromFile).toEqual(fromText);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
