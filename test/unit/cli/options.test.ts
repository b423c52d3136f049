import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevelopmentKeys, resolveApiKey } from '../../../shared/cli/api-key';
import { rangeBound } from '../../../shared/cli/commands/export';

describe('export --from/--to', () => {
  it.each([
    ['2026-11-30', 'from', '2026-11-30T00:00:00.000Z'],
    ['2026-11-30', 'to', '2026-12-01T00:00:00.000Z'],
    ['2026-12-31', 'to', '2027-01-01T00:00:00.000Z'],
    ['2026-11-30T12:00:00Z', 'to', '2026-11-30T12:00:00Z'],
    ['2026-11-30T12:00:00.250+02:00', 'from', '2026-11-30T12:00:00.250+02:00'],
    ['2026-02-30', 'from', undefined],
    ['2026-11-30T12:00:00', 'from', undefined],
    ['yesterday', 'from', undefined],
    ['', 'to', undefined],
  ] as const)('%s as --%s → %s', (value, bound, expected) => {
    expect(rangeBound(value, bound)).toBe(expected);
  });
});

describe('API key resolution', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokentrail-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const local = { kind: 'local' as const, url: 'http://127.0.0.1:4000' };
  const deployed = { kind: 'deployed' as const, url: 'https://api.example', stackName: 'Tokentrail-prod' };

  it('takes --key, else TOKENTRAIL_API_KEY, else the saved development API key (never the admin key)', () => {
    writeFileSync(join(dir, 'dev-keys.json'), JSON.stringify({ apiKey: 'tt_dev', adminKey: 'tt_admin' }));
    const env = { TOKENTRAIL_DATA_DIR: dir };
    expect(readDevelopmentKeys(env)).toEqual({ apiKey: 'tt_dev', adminKey: 'tt_admin' });
    expect(resolveApiKey('tt_flag', local, { ...env, TOKENTRAIL_API_KEY: 'tt_env' })).toBe('tt_flag');
    expect(resolveApiKey(undefined, local, { ...env, TOKENTRAIL_API_KEY: 'tt_env' })).toBe('tt_env');
    expect(resolveApiKey(undefined, local, env)).toBe('tt_dev');
  });

  it('has no default for a deployed stack, nor locally when nothing was saved', () => {
    const env = { TOKENTRAIL_DATA_DIR: dir };
    expect(readDevelopmentKeys(env)).toBeUndefined();
    expect(() => resolveApiKey(undefined, local, env)).toThrow(/pass --key or set TOKENTRAIL_API_KEY/);
    writeFileSync(join(dir, 'dev-keys.json'), JSON.stringify({ apiKey: 'tt_dev', adminKey: 'tt_admin' }));
    expect(() => resolveApiKey(undefined, deployed, env)).toThrow(/keys create --stack/);
    expect(resolveApiKey('tt_flag', deployed, env)).toBe('tt_flag');
  });
});

describe('tokentrail dispatcher', () => {
  it('answers an unknown option of any command with a usage error (exit 2)', async () => {
    const { main } = await import('../../../shared/cli/main');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['dlq', 'list', '--bogus'])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toContain("tokentrail dlq: Unknown option '--bogus'");
    } finally {
      stderr.mockRestore();
    }
  });
});
