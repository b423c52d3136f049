import {
  ANALYSIS_KINDS,
  ANALYSIS_PROMPT_MARKER,
  analysisKindsFromPrompt,
  buildAnalysisRequestLine,
  buildAnalysisSystemPrompt,
  InvalidAnalysisInputError,
  lineByteLength,
} from '../../../shared/domain/batch-analysis';

const base = { requestId: 'req-1', model: 'gpt-4o-mini', interactionText: 'User: hi\nAssistant: hello' };

describe('buildAnalysisRequestLine', () => {
  it('builds one Batch API line matched by custom_id', () => {
    const line = buildAnalysisRequestLine({ ...base, kinds: [...ANALYSIS_KINDS] });
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      custom_id: 'req-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', response_format: { type: 'json_object' }, max_completion_tokens: 400 },
    });
    expect(parsed.body.messages[0].role).toBe('system');
    expect(parsed.body.messages[0].content.split('\n')[0]).toBe(ANALYSIS_PROMPT_MARKER);
    expect(parsed.body.messages[1]).toEqual({ role: 'user', content: base.interactionText });
    expect(parsed.body.temperature).toBeUndefined();
  });

  it.each([
    [['summary'], ['summary']],
    [
      ['quality', 'topic'],
      ['topic', 'quality'],
    ],
    [[...ANALYSIS_KINDS], [...ANALYSIS_KINDS]],
  ] as const)('round-trips kinds %j through the prompt', (kinds, expected) => {
    const line = JSON.parse(buildAnalysisRequestLine({ ...base, kinds: [...kinds] }));
    expect(analysisKindsFromPrompt(line.body.messages[0].content)).toEqual(expected);
  });

  it('truncates long text without splitting a surrogate pair', () => {
    const text = `${'a'.repeat(9)}😀tail`;
    const line = JSON.parse(
      buildAnalysisRequestLine({ ...base, interactionText: text, kinds: ['summary'], maxInputChars: 10 }),
    );
    expect(line.body.messages[1].content).toBe(`${'a'.repeat(9)}\n[truncated]`);
  });

  it.each([
    [{ requestId: '' }, 'requestId'],
    [{ model: '' }, 'model'],
    [{ kinds: [] }, 'kinds'],
    [{ kinds: ['summary', 'summary'] }, 'kinds'],
    [{ kinds: ['mood'] }, 'kinds.0'],
  ])('rejects %j naming the path, never the text', (override, path) => {
    const input = { ...base, interactionText: 'secret text', kinds: ['summary'], ...override } as never;
    expect(() => buildAnalysisRequestLine(input)).toThrow(InvalidAnalysisInputError);
    try {
      buildAnalysisRequestLine(input);
    } catch (error) {
      expect((error as InvalidAnalysisInputError).issues.map((issue) => issue.path)).toContain(path);
      expect((error as Error).message).not.toContain('secret text');
    }
  });
});

describe('analysisKindsFromPrompt', () => {
  it.each([
    ['You are a helpful assistant.', undefined],
    ['', undefined],
    [`${ANALYSIS_PROMPT_MARKER}\nno keys line`, [...ANALYSIS_KINDS]],
    [buildAnalysisSystemPrompt(['sentiment']), ['sentiment']],
  ])('reads %j', (prompt, expected) => {
    expect(analysisKindsFromPrompt(prompt)).toEqual(expected);
  });
});

describe('lineByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['😀', 4],
  ])('%j is %i bytes', (text, bytes) => {
    expect(lineByteLength(text)).toBe(bytes);
  });
});
