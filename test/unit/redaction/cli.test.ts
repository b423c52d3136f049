import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../shared/cli/commands/redact';
import type { CliIo } from '../../../shared/cli/io';

function fakeIo(stdin: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    readStdin: async () => stdin,
    env: {},
  };
  return io;
}

describe('tokentrail redact', () => {
  it('redacts JSON into pretty JSON of the same shape and prints counts', async () => {
    const io = fakeIo(
      '{"messages":[{"role":"user","content":"mail ada@example.com or call (415) 555-2671"}],"n":1}',
    );
    expect(await run([], io)).toBe(0);
    expect(JSON.parse(io.out)).toEqual({
      messages: [{ role: 'user', content: 'mail [REDACTED:EMAIL] or call [REDACTED:PHONE]' }],
      n: 1,
    });
    expect(io.out).toContain('\n  "messages": [');
    expect(io.err).toBe('redacted: EMAIL=1 PHONE=1\n');
  });

  it('redacts plain text and uses the hash style with --hash-secret', async () => {
    const io = fakeIo('key AKIAIOSFODNN7EXAMPLE and {not json');
    expect(await run(['--hash-secret', 'cli-secret-0123456789'], io)).toBe(0);
    expect(io.out).toMatch(/^key \[AWS_ACCESS_KEY:[0-9a-f]{6}\] and \{not json$/);
    expect(io.err).toBe('redacted: AWS_ACCESS_KEY=1\n');
  });

  it('reads a config file and reports invalid configs with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redact-cli-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ customRules: [{ name: 'TICKET', pattern: 'TCK-[0-9]+' }] }));
    const io = fakeIo('see TCK-42');
    expect(await run(['--config', good], io)).toBe(0);
    expect(io.out).toBe('see [REDACTED:TICKET]');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ customRules: [{ name: 'TICKET', pattern: '(?<=x)y' }] }));
    const badIo = fakeIo('x');
    expect(await run(['--config', bad], badIo)).toBe(2);
    expect(badIo.err).toMatch(/customRules\.0\.pattern: not valid RE2 syntax/);
    expect(await run(['--nope'], fakeIo(''))).toBe(2);
  });

  it('says nothing was redacted when nothing matched', async () => {
    const io = fakeIo('hello world');
    expect(await run([], io)).toBe(0);
    expect(io.out).toBe('hello world');
    expect(io.err).toBe('redacted: nothing\n');
  });
});
