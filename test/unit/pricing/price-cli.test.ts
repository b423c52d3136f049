import { run } from '../../../shared/cli/commands/price';
import type { CliIo } from '../../../shared/cli/io';

function fakeIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    readStdin: async () => '',
    env: {},
  };
  return io;
}

describe('tokentrail price', () => {
  it('prints the breakdown in USD and the rule with its source', async () => {
    const io = fakeIo();
    const usage = JSON.stringify({
      prompt_tokens: 2006,
      completion_tokens: 300,
      prompt_tokens_details: { cached_tokens: 1920 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
    const code = await run(
      ['--provider', 'openai', '--model', 'o3', '--usage', usage, '--at', '2025-07-01T00:00:00Z'],
      io,
    );
    expect(code).toBe(0);
    expect(io.out).toContain('rule       openai/o3@2025-06-10 v1 (https://platform.openai.com/docs/pricing)');
    expect(io.out).toContain('  cached input    0.000960000');
    expect(io.out).toContain('  reasoning       0.001536000');
    expect(io.out).toContain('  total           0.003532000');
  });

  it('accepts the normalized shape and --batch, and prints JSON', async () => {
    const io = fakeIo();
    const usage = JSON.stringify({ inputTokens: 250000, outputTokens: 2000, cachedInputTokens: 200000 });
    const code = await run(
      [
        '--provider',
        'google',
        '--model',
        'gemini-2.5-pro',
        '--usage',
        usage,
        '--at',
        '2025-08-01T00:00:00Z',
        '--batch',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const printed = JSON.parse(io.out);
    // tier above 200K, batch 50%: 50,000 × 1,250 + 200,000 × 125 + 2,000 × 7,500 = 62,500,000 + 25,000,000 + 15,000,000
    expect(printed.cost).toMatchObject({ totalNanoUsd: 102_500_000, tier: 'above-200000', batch: true });
    // The HTTP API's names only.
    expect(printed.cost).not.toHaveProperty('totalNanos');
    expect(printed.cost.usd.total).toBe('0.102500000');
    expect(printed.rule).toMatchObject({
      id: 'google/gemini-2.5-pro',
      version: 1,
      source: 'https://ai.google.dev/gemini-api/docs/pricing',
    });
  });

  it('reads a Bedrock usage block as raw, not as the normalized shape', async () => {
    const io = fakeIo();
    const usage = JSON.stringify({
      inputTokens: 100,
      outputTokens: 10,
      totalTokens: 1110,
      cacheReadInputTokens: 1000,
    });
    await run(
      [
        '--provider',
        'bedrock',
        '--model',
        'amazon.nova-pro-v1:0',
        '--usage',
        usage,
        '--json',
        '--at',
        '2025-03-01T00:00:00Z',
      ],
      io,
    );
    expect(JSON.parse(io.out).usage).toMatchObject({ inputTokens: 1100, cachedInputTokens: 1000 });
  });

  it('exits 1 for an unpriced usage and 2 for bad arguments', async () => {
    const unpriced = fakeIo();
    expect(
      await run(
        ['--provider', 'openai', '--model', 'gpt-99', '--usage', '{"inputTokens":1,"outputTokens":1}'],
        unpriced,
      ),
    ).toBe(1);
    expect(unpriced.out).toContain('unpriced: unknown_model');
    const missing = fakeIo();
    expect(await run(['--provider', 'openai'], missing)).toBe(2);
    const badJson = fakeIo();
    expect(await run(['--provider', 'openai', '--model', 'o3', '--usage', '{'], badJson)).toBe(2);
    const unknownFlag = fakeIo();
    expect(await run(['--nope'], unknownFlag)).toBe(2);
  });
});
