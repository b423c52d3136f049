import { AnalysisResultSchema, parseBatchResults } from '../../../shared/domain/batch-analysis';

const analysis = {
  summary: 'User asked about an invoice.',
  topic: 'billing',
  sentiment: 'negative',
  quality: { verdict: 'good', reason: 'Answered the question.' },
};

const usage = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_tokens_details: { cached_tokens: 1024 },
  completion_tokens_details: { reasoning_tokens: 16 },
};

function outputLine(customId: string, content: unknown, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `batch_req_${customId}`,
    custom_id: customId,
    response: {
      status_code: 200,
      request_id: 'req_abc',
      body: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-4o-mini-2024-07-18',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: typeof content === 'string' ? content : JSON.stringify(content),
              refusal: null,
            },
            finish_reason: 'stop',
          },
        ],
        usage,
        ...overrides,
      },
    },
    error: null,
  });
}

const expectedUsage = {
  inputTokens: 1200,
  outputTokens: 80,
  cachedInputTokens: 1024,
  cacheWriteInputTokens: 0,
  reasoningTokens: 16,
};

describe('parseBatchResults', () => {
  it('matches lines by custom_id in any order and tolerates blank lines', () => {
    const outputJsonl = [
      '',
      outputLine('b', { ...analysis, topic: 'shipping' }),
      '   ',
      outputLine('a', analysis),
      '',
    ].join('\n');
    const { results, unreadableLineCount } = parseBatchResults({ outputJsonl });
    expect(unreadableLineCount).toBe(0);
    expect(results.get('a')).toEqual({
      ok: true,
      analysis,
      usage: expectedUsage,
      model: 'gpt-4o-mini-2024-07-18',
    });
    expect(results.get('b')).toMatchObject({ ok: true, analysis: { topic: 'shipping' } });
  });

  it('accepts CRLF files and fenced JSON', () => {
    const outputJsonl = `${outputLine('a', `\`\`\`json\n${JSON.stringify(analysis)}\n\`\`\``)}\r\n`;
    expect(parseBatchResults({ outputJsonl }).results.get('a')?.ok).toBe(true);
  });

  it.each([
    ['not JSON', 'this is { not json', 'answer is not JSON'],
    [
      'a wrong enum',
      { ...analysis, sentiment: 'furious' },
      'answer does not match the analysis schema at sentiment',
    ],
    ['a missing required kind', { summary: 'x' }, 'answer is missing topic, sentiment, quality'],
    ['an array', [analysis], 'answer does not match the analysis schema at (root)'],
  ])('fails a 200 line with %s as invalid_analysis, keeping its usage', (_name, content, message) => {
    const { results } = parseBatchResults({ outputJsonl: outputLine('a', content) });
    expect(results.get('a')).toEqual({
      ok: false,
      code: 'invalid_analysis',
      message,
      statusCode: 200,
      usage: expectedUsage,
      model: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('accepts a partial answer when only those kinds were required', () => {
    const { results } = parseBatchResults({
      outputJsonl: outputLine('a', { topic: 'billing' }),
      requiredKinds: ['topic'],
    });
    expect(results.get('a')).toMatchObject({ ok: true, analysis: { topic: 'billing' } });
  });

  it('fails truncated answers and refusals', () => {
    const outputJsonl = [
      outputLine('cut', '{"summary": "x', {
        choices: [
          { index: 0, message: { role: 'assistant', content: '{"summary": "x' }, finish_reason: 'length' },
        ],
      }),
      outputLine('no', '', {
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: 'I cannot.' },
            finish_reason: 'stop',
          },
        ],
      }),
    ].join('\n');
    const { results } = parseBatchResults({ outputJsonl });
    expect(results.get('cut')).toMatchObject({ ok: false, code: 'invalid_analysis' });
    expect(results.get('no')).toMatchObject({ ok: false, code: 'refusal' });
  });

  it('reads error-file lines of both shapes, sanitizing messages', () => {
    const errorJsonl = [
      JSON.stringify({
        id: 'batch_req_1',
        custom_id: 'bad',
        response: {
          status_code: 400,
          request_id: 'req_1',
          body: {
            error: {
              message: "Invalid value 'the user said my password is hunter2' for messages",
              type: 'invalid_request_error',
              code: 'invalid_value',
              param: 'messages',
            },
          },
        },
        error: null,
      }),
      JSON.stringify({
        id: 'batch_req_2',
        custom_id: 'busy',
        response: {
          status_code: 500,
          request_id: 'req_2',
          body: { error: { message: 'Server error', type: 'server_error' } },
        },
        error: null,
      }),
      JSON.stringify({
        id: 'batch_req_3',
        custom_id: 'late',
        response: null,
        error: {
          code: 'batch_expired',
          message: 'This request could not be executed before the completion window expired.',
        },
      }),
      JSON.stringify({ custom_id: 'odd', response: { status_code: 503, body: {} }, error: null }),
    ].join('\n');
    const { results } = parseBatchResults({ errorJsonl });
    expect(results.get('bad')).toEqual({
      ok: false,
      code: 'invalid_value',
      message: 'Invalid value … for messages',
      statusCode: 400,
    });
    expect(results.get('busy')).toMatchObject({ ok: false, code: 'server_error', statusCode: 500 });
    expect(results.get('late')).toEqual({
      ok: false,
      code: 'batch_expired',
      message: 'This request could not be executed before the completion window expired.',
    });
    expect(results.get('odd')).toMatchObject({ ok: false, code: 'http_503', statusCode: 503 });
  });

  it('counts unreadable lines and lets a success win over a failure for the same id', () => {
    const errorJsonl = [
      '{not json',
      JSON.stringify({ id: 'x' }),
      JSON.stringify({ custom_id: 'a', response: null, error: { code: 'batch_expired', message: 'late' } }),
    ].join('\n');
    const { results, unreadableLineCount } = parseBatchResults({
      outputJsonl: outputLine('a', analysis),
      errorJsonl,
    });
    expect(unreadableLineCount).toBe(2);
    expect(results.get('a')?.ok).toBe(true);
  });

  it('fails a 200 line without usage as malformed', () => {
    const line = JSON.parse(outputLine('a', analysis));
    delete line.response.body.usage;
    expect(parseBatchResults({ outputJsonl: JSON.stringify(line) }).results.get('a')).toMatchObject({
      ok: false,
      code: 'malformed_line',
    });
  });
});

describe('AnalysisResultSchema', () => {
  it.each([
    [analysis, true],
    [{ topic: 'x' }, true],
    [{}, false],
    [{ ...analysis, quality: { verdict: 'great', reason: '' } }, false],
    [{ ...analysis, summary: '' }, false],
    [{ ...analysis, summary: 'x'.repeat(2_001) }, false],
  ])('%j valid: %s', (value, valid) => {
    expect(AnalysisResultSchema.safeParse(value).success).toBe(valid);
  });
});
