import {
  CSV_COLUMNS,
  csvField,
  csvRecord,
  csvRow,
  plainDecimal,
  spreadsheetSafe,
} from '../../../shared/cli/csv';

describe('csvField / csvRow (RFC 4180)', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' padded ', ' padded '],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('joins with commas and ends with CRLF', () => {
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });
});

describe('plainDecimal', () => {
  it.each([
    [0.00355, '0.00355'],
    [0, '0'],
    [12.5, '12.5'],
    [1e-7, '0.0000001'],
    [1.5e-8, '0.000000015'],
    [-2.25e-7, '-0.000000225'],
    [1e21, '1000000000000000000000'],
    [1.2345e21, '1234500000000000000000'],
    ['0.000000001', '0.000000001'],
    [undefined, ''],
    [null, ''],
  ])('%p → %p', (value, expected) => {
    expect(plainDecimal(value)).toBe(expected);
  });

  it('writes the same digits as the number, only without an exponent', () => {
    for (let nanos = 1; nanos < 1e9; nanos = nanos * 7 + 3) {
      const usd = nanos / 1e9;
      expect(Number(plainDecimal(usd))).toBe(usd);
      expect(plainDecimal(usd)).not.toContain('e');
    }
  });
});

describe('csvRecord', () => {
  const item = {
    id: 'call-1',
    project: 'default',
    provider: 'openai',
    model: 'gpt-4o',
    status: 'success',
    timestamp: '2026-11-20T10:00:00.000Z',
    sessionId: 's-1',
    latencyMs: 812,
    tags: { team: 'a,"b"' },
    tokens: { input: 1200, output: 80, cachedInput: 200, cacheWriteInput: 0, reasoning: 0 },
    cost: {
      priced: true,
      currency: 'USD',
      inputUsd: 0.0025,
      cachedInputUsd: 0.00025,
      cacheWriteUsd: 0,
      outputUsd: 0.0008,
      reasoningUsd: 0,
      totalUsd: 0.00355,
      totalNanoUsd: 3_550_000,
    },
    redactions: { EMAIL: 2, PHONE: 1 },
    payloadStore: 'inline',
  };

  it('lays out every documented column', () => {
    const record = csvRecord(item);
    expect(Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, record[i]]))).toEqual({
      id: 'call-1',
      timestamp: '2026-11-20T10:00:00.000Z',
      project: 'default',
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      sessionId: 's-1',
      inputTokens: '1200',
      outputTokens: '80',
      cachedInputTokens: '200',
      cacheWriteInputTokens: '0',
      reasoningTokens: '0',
      totalUsd: '0.00355',
      inputUsd: '0.0025',
      cachedInputUsd: '0.00025',
      cacheWriteUsd: '0',
      outputUsd: '0.0008',
      reasoningUsd: '0',
      priced: 'true',
      latencyMs: '812',
      payloadStore: 'inline',
      redactions: '3',
      tags: '{"team":"a,\\"b\\""}',
    });
    expect(csvRow(record)).toContain(',"{""team"":""a,\\""b\\""""}"\r\n');
  });

  it('leaves money empty when unpriced (an unknown price is not $0) and tokens empty when unknown', () => {
    const record = csvRecord({
      ...item,
      tokens: null,
      cost: { ...item.cost, priced: false },
      tags: undefined,
    });
    const at = (column: (typeof CSV_COLUMNS)[number]) => record[CSV_COLUMNS.indexOf(column)];
    expect(at('totalUsd')).toBe('');
    expect(at('outputUsd')).toBe('');
    expect(at('priced')).toBe('false');
    expect(at('inputTokens')).toBe('');
    expect(at('tags')).toBe('');
  });

  it('makes application text that a spreadsheet would run as a formula inert', () => {
    for (const formula of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\r=1']) {
      expect(spreadsheetSafe(formula)).toBe(`'${formula}`);
    }
    expect(spreadsheetSafe('gpt-4o')).toBe('gpt-4o');
    const record = csvRecord({ ...item, model: '=HYPERLINK("http://evil")', sessionId: '@s' });
    const at = (column: (typeof CSV_COLUMNS)[number]) => record[CSV_COLUMNS.indexOf(column)];
    expect(at('model')).toBe(`'=HYPERLINK("http://evil")`);
    expect(at('sessionId')).toBe(`'@s`);
  });
});
