import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../../infra/local/twin';
import { ENV } from '../../../shared/adapters/aws/config';
import { run as exportCommand } from '../../../shared/cli/commands/export';
import { run as keys } from '../../../shared/cli/commands/keys';
import { run as send } from '../../../shared/cli/commands/send';
import { CSV_COLUMNS } from '../../../shared/cli/csv';
import type { CliIo } from '../../../shared/cli/io';
import { deterministicId } from '../../../shared/cli/ndjson';
import { writeLocalTarget } from '../../../shared/cli/target';
import { api, openAiChat, startTestStack } from '../../support/stack';

/** Unredacted content that must never be printed by `send`. */
const PLANTED = 'jane.doe@example.com sk-proj-SENDPLANTEDSECRET000000000000000';

type Command = (args: string[], io: CliIo) => Promise<number>;
interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Minimal RFC 4180 reader, to check what the export writes parses back to its fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
}

describe('tokentrail send and export', () => {
  let stack: LocalStack;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const localEnvironment = () => {
    // What `tokentrail local` writes: the environment the twin gives its functions.
    const environment: Record<string, string> = {};
    for (const name of Object.values(ENV)) if (process.env[name]) environment[name] = process.env[name];
    return environment;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tokentrail-send-'));
    // With a data dir the twin saves its development keys there, as `npm start` does.
    stack = await startTestStack({ dataDir });
    env = { TOKENTRAIL_DATA_DIR: dataDir };
    writeLocalTarget(env, {
      url: stack.url,
      dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
      awsEndpoint: stack.emulators.awsEndpoint,
      environment: localEnvironment(),
    });
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs a command as the CLI would, capturing what it prints. */
  async function cli(
    command: Command,
    args: string[],
    options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await command(args, {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      readStdin: async () => options.stdin ?? '',
      env: options.env ?? env,
    });
    return { code, stdout: out.join(''), stderr: err.join('') } satisfies Ran;
  }

  const file = (name: string, lines: string[]) => {
    const path = join(dataDir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  const sessionIds = async (sessionId: string) => {
    const answer = await api<{ interactions: { id: string }[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=${sessionId}&limit=100`,
      { key: stack.apiKey },
    );
    return answer.body.interactions.map((item) => item.id).sort();
  };

  // The file of the main scenario: ids given and not, a blank line, a line that is not JSON,
  // invalid interactions (one next to a valid one, two alone in a request), a repeated line.
  const session = 'cli-session';
  const at = (seconds: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + seconds * 1000).toISOString();
  const repeated = JSON.stringify(openAiChat({ sessionId: session, startedAt: at(1) }));
  const lines = [
    JSON.stringify(
      openAiChat({ id: 'cli-a', sessionId: session, startedAt: at(0), tags: { team: 'a,"b"' } }),
    ),
    repeated,
    '',
    `{"content": "${PLANTED}" this is not json`,
    JSON.stringify({ provider: 'openai', sessionId: session }),
    JSON.stringify({
      provider: 'custom',
      model: 'my-model',
      usage: { inputTokens: 10, outputTokens: 2 },
      sessionId: session,
      startedAt: at(2),
    }),
    JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: -1, outputTokens: 2 } }),
    '[1, 2]',
    repeated,
  ];
  const expectedIds = [
    'cli-a',
    deterministicId(lines[1]!, 2),
    deterministicId(lines[5]!, 6),
    deterministicId(lines[8]!, 9),
  ];

  it('sends a file: counts, problems by line number, exit 1, the valid lines in the ledger', async () => {
    const path = file('calls.ndjson', lines);
    const sent = await cli(send, [path, '--batch', '2']);
    expect(sent.code).toBe(1);
    expect(sent.stdout).toBe('');
    expect(sent.stderr).toMatch(/^send: 8 line\(s\) read, 4 accepted, 3 rejected, 1 not JSON$/m);
    expect(sent.stderr).toMatch(/^line 4: not valid JSON \(column \d+\)$/m);
    expect(sent.stderr).toContain(
      `line 5 (${deterministicId(lines[4]!, 5)}): model: model is required unless response.model names it\n`,
    );
    expect(sent.stderr).toMatch(
      new RegExp(`^line 7 \\(${deterministicId(lines[6]!, 7)}\\): usage\\.inputTokens: `, 'm'),
    );
    expect(sent.stderr).toMatch(/^line 8: /m);
    expect(sent.stderr).not.toMatch(/^line [1269][ :]/m);
    // Never the content of a line.
    expect(sent.stderr).not.toContain('jane.doe');
    expect(sent.stderr).not.toContain('SENDPLANTEDSECRET');
    expect(sent.stderr).not.toContain('Hello!');

    await stack.drain();
    expect(await sessionIds(session)).toEqual([...expectedIds].sort());
  });

  it('stores nothing twice when the same file is sent again', async () => {
    const again = await cli(send, [join(dataDir, 'calls.ndjson')]);
    expect(again.stderr).toMatch(/^send: 8 line\(s\) read, 4 accepted, 3 rejected, 1 not JSON$/m);
    await stack.drain();
    expect(await sessionIds(session)).toEqual([...expectedIds].sort());
  });

  it('exports NDJSON: every interaction as the API answers it', async () => {
    const exported = await cli(exportCommand, ['--session', session]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('export: 4 interaction(s) in 1 page(s)\n');
    const items = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const listed = await api<{ interactions: unknown[] }>(
      stack,
      'GET',
      `/v1/interactions?sessionId=${session}`,
      {
        key: stack.apiKey,
      },
    );
    expect(items).toEqual(listed.body.interactions);
    expect(items.map((item) => item.id).sort()).toEqual([...expectedIds].sort());
    expect(items.find((item) => item.id === 'cli-a')).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o',
      sessionId: session,
      timestamp: at(0),
      tags: { team: 'a,"b"' },
      tokens: { input: 1200, output: 80, cachedInput: 200 },
      cost: { priced: true, totalUsd: 0.00355, totalNanoUsd: 3_550_000 },
    });

    // A day given as --to is included; the range is the interactions' own time.
    const byDay = await cli(exportCommand, ['--from', '2026-11-20', '--to', '2026-11-20']);
    expect(byDay.code).toBe(0);
    expect(byDay.stdout.trimEnd().split('\n')).toHaveLength(4);
    const before = await cli(exportCommand, ['--from', '2026-11-19', '--to', '2026-11-20T10:00:01Z']);
    expect(
      before.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ).toEqual(['cli-a']);
  });

  it('exports CSV: the documented header, one row each, commas and quotes quoted, unpriced money empty', async () => {
    const out = join(dataDir, 'export.csv');
    const exported = await cli(exportCommand, ['--session', session, '--format', 'csv', '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toBe(`export: 4 interaction(s) in 1 page(s) written to ${out}\n`);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text).toContain('"{""team"":');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(4);
    const records = rows.map((row) => Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, row[i]])));
    expect(records.find((record) => record.id === 'cli-a')).toEqual({
      id: 'cli-a',
      timestamp: at(0),
      project: 'default',
      provider: 'openai',
      model: 'gpt-4o',
      status: 'success',
      sessionId: session,
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
      latencyMs: '',
      payloadStore: 'inline',
      redactions: '0',
      tags: '{"team":"a,\\"b\\""}',
    });
    expect(records.find((record) => record.model === 'my-model')).toMatchObject({
      provider: 'custom',
      priced: 'false',
      totalUsd: '',
      inputTokens: '10',
      outputTokens: '2',
    });
  });

  it('sends standard input in requests of 100 and exports every page of it', async () => {
    const pages = 'cli-pages';
    const input = Array.from({ length: 150 }, (_, i) =>
      JSON.stringify({
        provider: 'openai',
        model: 'gpt-4o-mini',
        usage: { inputTokens: 100 + i, outputTokens: 10 },
        sessionId: pages,
        startedAt: new Date(Date.parse('2026-11-21T08:00:00Z') + i * 1000).toISOString(),
      }),
    ).join('\r\n');
    const sent = await cli(send, ['-'], { stdin: input });
    expect(sent.code).toBe(0);
    expect(sent.stderr).toMatch(/^send: 150 line\(s\) read, 150 accepted, 0 rejected$/m);
    await stack.drain();

    const exported = await cli(exportCommand, ['--session', pages]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('export: 150 interaction(s) in 2 page(s)\n');
    const items = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; tokens: { input: number } });
    expect(items.map((item) => item.tokens.input)).toEqual(Array.from({ length: 150 }, (_, i) => 100 + i));
    expect(items.map((item) => item.id)).toEqual(
      input.split('\r\n').map((line, i) => deterministicId(line, i + 1)),
    );
    const byDay = await cli(exportCommand, ['--from', '2026-11-21', '--to', '2026-11-21', '--format', 'csv']);
    expect(byDay.stdout.split('\r\n').filter(Boolean)).toHaveLength(151);
  });

  describe('through a flaky proxy', () => {
    let proxy: Server;
    let proxyDir: string;
    const posted: string[][] = [];
    let posts = 0;
    let gets = 0;

    beforeAll(async () => {
      // Answers the first POST 503, marks one item of the second "failed" (as when SQS refuses
      // it) after the stack accepted it, answers the first GET 429; forwards the rest.
      proxy = createServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.method === 'POST') {
          posts += 1;
          posted.push(
            (JSON.parse(body) as { interactions: { id: string }[] }).interactions.map((item) => item.id),
          );
          if (posts === 1) {
            response.writeHead(503, { 'retry-after': '0' }).end('{"error":{"code":"unavailable"}}');
            return;
          }
        } else {
          gets += 1;
          if (gets === 1) {
            response.writeHead(429, { 'retry-after': '0' }).end();
            return;
          }
        }
        const forwarded = await fetch(`${stack.url}${request.url}`, {
          method: request.method,
          headers: {
            authorization: request.headers.authorization ?? '',
            'content-type': request.headers['content-type'] ?? 'application/json',
          },
          body: request.method === 'POST' ? body : undefined,
        });
        let text = await forwarded.text();
        if (request.method === 'POST' && posts === 2) {
          const answer = JSON.parse(text) as { results: { index: number; id: string; status: string }[] };
          answer.results[1] = { ...answer.results[1]!, status: 'failed' };
          text = JSON.stringify(answer);
        }
        response.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      proxyDir = mkdtempSync(join(tmpdir(), 'tokentrail-proxy-'));
      writeLocalTarget(
        { TOKENTRAIL_DATA_DIR: proxyDir },
        {
          url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
          dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
          awsEndpoint: stack.emulators.awsEndpoint,
          environment: localEnvironment(),
        },
      );
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      rmSync(proxyDir, { recursive: true, force: true });
    });

    it('retries a 503 and items not queued with the same ids; the ledger holds each once', async () => {
      const retried = 'cli-retried';
      const path = file(
        'retried.ndjson',
        [0, 1, 2].map((i) =>
          JSON.stringify(openAiChat({ sessionId: retried, startedAt: at(10 + i), latencyMs: 100 + i })),
        ),
      );
      // No saved dev keys in this data dir: the key comes from the environment.
      const proxyEnv = { TOKENTRAIL_DATA_DIR: proxyDir, TOKENTRAIL_API_KEY: stack.apiKey };
      const sent = await cli(send, [path], { env: proxyEnv });
      expect(sent.stderr).toContain('send: HTTP 503 at line 1, try 2/6');
      expect(sent.stderr).toContain('send: 1 interaction(s) not queued, sending them again');
      expect(sent.stderr).toMatch(/^send: 3 line\(s\) read, 3 accepted, 0 rejected$/m);
      expect(sent.code).toBe(0);
      expect(posted).toHaveLength(3);
      expect(posted[1]).toEqual(posted[0]);
      expect(posted[2]).toEqual([posted[0]![1]]);
      await stack.drain();
      expect(await sessionIds(retried)).toEqual([...posted[0]!].sort());

      const exported = await cli(exportCommand, ['--session', retried], { env: proxyEnv });
      expect(exported.stderr).toContain('export: HTTP 429, try 2/6');
      expect(exported.code).toBe(0);
      expect(exported.stdout.trimEnd().split('\n')).toHaveLength(3);
    });
  });

  it('stops when the API stays unavailable, and says to send the file again', async () => {
    const down = createServer((_request, response) => {
      response.writeHead(503, { 'retry-after': '0' }).end();
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const address = down.address();
    const downDir = mkdtempSync(join(tmpdir(), 'tokentrail-down-'));
    try {
      const downEnv = { TOKENTRAIL_DATA_DIR: downDir, TOKENTRAIL_API_KEY: stack.apiKey };
      writeLocalTarget(downEnv, {
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        dynamodbEndpoint: stack.emulators.dynamodbEndpoint,
        awsEndpoint: stack.emulators.awsEndpoint,
        environment: localEnvironment(),
      });
      const sent = await cli(send, [join(dataDir, 'calls.ndjson'), '--batch', '2'], { env: downEnv });
      expect(sent.code).toBe(1);
      expect(sent.stderr).toContain('send: HTTP 503 at line 1, try 6/6');
      expect(sent.stderr).toMatch(
        /^send: 4 line\(s\) read, 0 accepted, 0 rejected, 1 not JSON, 3 not sent; stopped at line 1: HTTP 503 \(after 6 tries\)\. Once the cause is fixed, send the same file again/m,
      );
      const exported = await cli(exportCommand, [], { env: downEnv });
      expect(exported.code).toBe(1);
      expect(exported.stderr).toMatch(
        /^export: HTTP 503 \(after 6 tries\); 0 interaction\(s\) were written before$/m,
      );
    } finally {
      down.closeAllConnections();
      await new Promise((resolve) => down.close(resolve));
      rmSync(downDir, { recursive: true, force: true });
    }
  });

  it('uses the key it is given: a read-only key exports but cannot send, an unknown key stops at once', async () => {
    const created = await cli(keys, ['create', '--scopes', 'read', '--json']);
    const readOnly = (JSON.parse(created.stdout) as { key: string }).key;
    const exported = await cli(exportCommand, ['--session', session, '--key', readOnly]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trimEnd().split('\n')).toHaveLength(4);

    const path = join(dataDir, 'calls.ndjson');
    const forbidden = await cli(send, [path, '--key', readOnly]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(
      /stopped at line 1: HTTP 403 forbidden: this API key lacks the "ingest" scope/,
    );

    const unknown = await cli(send, [path, '--key', 'tt_not_a_key']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^send: 8 line\(s\) read, 0 accepted, 0 rejected, 1 not JSON, 7 not sent; stopped at line 1: HTTP 401/m,
    );
    const refused = await cli(exportCommand, ['--key', 'tt_not_a_key']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^export: HTTP 401 unauthorized/);
  });

  it('prints its usage with --help, the CSV columns and the id rule included', async () => {
    const sendHelp = await cli(send, ['--help']);
    expect(sendHelp.code).toBe(0);
    expect(sendHelp.stdout).toContain('stores nothing');
    const exportHelp = await cli(exportCommand, ['-h']);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toContain(CSV_COLUMNS.join(','));
  });

  it.each([
    [send, []],
    [send, ['a.ndjson', 'b.ndjson']],
    [send, ['calls.ndjson', '--batch', '101']],
    [send, ['calls.ndjson', '--batch', '0']],
    [send, ['calls.ndjson', '--batch', 'ten']],
    [send, ['calls.ndjson', '--bogus']],
    [send, ['does-not-exist.ndjson']],
    [exportCommand, ['--format', 'xml']],
    [exportCommand, ['--from', 'yesterday']],
    [exportCommand, ['--from', '2026-11-21', '--to', '2026-11-20']],
    [exportCommand, ['--to', '2026-11-20T10:00:00']],
    [exportCommand, ['extra']],
    [exportCommand, ['--session']],
  ] as [Command, string[]][])('bad usage exits 2: %#', async (command, args) => {
    const ran = await cli(
      command,
      args.map((arg) => (arg === 'calls.ndjson' ? join(dataDir, arg) : arg)),
    );
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).not.toBe('');
  });
});
