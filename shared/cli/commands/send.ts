/**
 * `tokentrail send <file.ndjson|->`: posts a file of interactions, one JSON object per line, to
 * `POST /v1/interactions` in requests of up to 100, on the local stack or a deployed one
 * (`--stack <name>`). Lines without an id get a deterministic one, so sending a file again
 * stores nothing twice. Only line numbers, ids and the API's problem paths and messages are
 * printed, never a line's content (it is unredacted).
 *
 * @example
 * npm run -s tokentrail -- send calls.ndjson
 * gzip -dc calls.ndjson.gz | npm run -s tokentrail -- send - --stack Tokentrail-prod --key "$KEY"
 */
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MAX_INTERACTIONS_PER_REQUEST } from '../../domain/interaction/schema';
import { MAX_BODY_BYTES } from '../../http/response';
import { resolveApiKey } from '../api-key';
import { type ApiErrorBody, describeError, fetchJson, RetriesExhaustedError, retryDelayMs } from '../http';
import { type CliIo, parseCommandOptions } from '../io';
import { parseNdjsonLine, readLines } from '../ndjson';
import { resolveTarget } from '../target';

const USAGE = `usage: tokentrail send <file.ndjson|-> [--batch N] [--key K] [--stack S]

Sends one interaction per line ("-" reads standard input) to POST /v1/interactions, N per
request (1 to 100, default 100). Blank lines are skipped; a line that is not JSON is reported
and not sent. A line without an "id" gets one made from its line number and its text, so
sending the same file again (after an interruption, or with lines appended) stores nothing
twice. Throttling, server and network errors are retried with the same ids.
Key: --key, else TOKENTRAIL_API_KEY, else the local stack's development key.
Exit status: 0 when every line was accepted, 1 otherwise, 2 on bad usage.
`;

/** How many times a request, or items the API could not queue, are tried. */
const ATTEMPTS = 6;
/** `{"interactions":[` + `]}`. */
const ENVELOPE_BYTES = 20;

interface Item {
  line: number;
  id: string | undefined;
  json: string;
  bytes: number;
}

interface IngestAnswer {
  results?: (
    | { index: number; id: string; status: 'accepted' }
    | { index: number; status: 'rejected'; issues: { path: string; message: string }[] }
    | { index: number; id: string; status: 'failed' }
  )[];
}

/** The run stopped before the end of the input: the API refused the key or stayed unavailable. */
class StopError extends Error {
  public constructor(
    message: string,
    public readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Runs `tokentrail send`; answers the exit status.
 *
 * @example
 * const code = await run(['calls.ndjson', '--batch', '50'], processIo());
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandOptions('send', USAGE, io, () => parseOptions(args));
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const batch = values.batch === undefined ? MAX_INTERACTIONS_PER_REQUEST : Number(values.batch);
  const [input] = positionals;
  if (
    positionals.length !== 1 ||
    !input ||
    !Number.isInteger(batch) ||
    batch < 1 ||
    batch > MAX_INTERACTIONS_PER_REQUEST
  ) {
    io.stderr(USAGE);
    return 2;
  }
  if (input !== '-' && !isFile(input)) {
    io.stderr(`send: ${input} is not a readable file\n`);
    return 2;
  }
  const target = await resolveTarget(values.stack, io.env);
  let key: string;
  try {
    key = resolveApiKey(values.key, target, io.env);
  } catch (error) {
    io.stderr(`send: ${(error as Error).message}\n`);
    return 2;
  }

  const sender = new Sender(`${target.url}/v1/interactions`, key, io);
  const source = input === '-' ? { text: await io.readStdin() } : { file: input };
  let stopped: StopError | undefined;
  try {
    let chunk: Item[] = [];
    let chunkBytes = ENVELOPE_BYTES;
    for await (const { text, line } of readLines(source)) {
      const parsedLine = parseNdjsonLine(text, line);
      if (parsedLine.kind === 'blank') continue;
      sender.counts.read += 1;
      if (parsedLine.kind === 'unreadable') {
        sender.counts.unreadable += 1;
        sender.problem(line, undefined, parsedLine.message);
        continue;
      }
      const item: Item = { ...parsedLine, bytes: Buffer.byteLength(parsedLine.json) };
      if (ENVELOPE_BYTES + item.bytes > MAX_BODY_BYTES) {
        sender.counts.rejected += 1;
        sender.problem(
          line,
          item.id,
          `too large to send (${item.bytes} bytes; a request is at most ${MAX_BODY_BYTES})`,
        );
        continue;
      }
      if (chunk.length >= batch || chunkBytes + item.bytes + 1 > MAX_BODY_BYTES) {
        await sender.send(chunk);
        chunk = [];
        chunkBytes = ENVELOPE_BYTES;
      }
      chunk.push(item);
      chunkBytes += item.bytes + 1;
    }
    if (chunk.length > 0) await sender.send(chunk);
  } catch (error) {
    if (!(error instanceof StopError)) throw error;
    stopped = error;
  }

  const { read, accepted, rejected, unreadable } = sender.counts;
  const summary = `send: ${read} line(s) read, ${accepted} accepted, ${rejected} rejected${unreadable > 0 ? `, ${unreadable} not JSON` : ''}`;
  if (stopped) {
    const notSent = read - accepted - rejected - unreadable;
    io.stderr(
      `${summary}, ${notSent} not sent; stopped at line ${stopped.line}: ${stopped.message}. Once the cause is fixed, send the same file again: every line gets the id it had, and the ledger stores each id once\n`,
    );
    return 1;
  }
  io.stderr(`${summary}\n`);
  if (accepted > 0) {
    // The API queues first and deduplicates when it stores, so it cannot say at this point which lines were new.
    io.stderr(
      'send: re-sending is idempotent: a line sent before (same id) is accepted again but stored once; ' +
        '"accepted" counts lines queued, new or not\n',
    );
  }
  return accepted === read ? 0 : 1;
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      batch: { type: 'string' },
      key: { type: 'string' },
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Posts chunks, keeps the counts, reports problems and progress on stderr. */
class Sender {
  public readonly counts = { read: 0, accepted: 0, rejected: 0, unreadable: 0 };
  private lastProgress = Date.now();

  public constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly io: CliIo,
  ) {}

  public problem(line: number, id: string | undefined, message: string): void {
    this.io.stderr(`line ${line}${id ? ` (${id})` : ''}: ${message}\n`);
  }

  /**
   * Sends one chunk. Items the API could not queue (`failed`) are sent again with the same ids
   * after a backoff; the rest is final.
   *
   * @throws {StopError} when continuing is pointless: bad key, or the API stays unavailable.
   */
  public async send(chunk: Item[]): Promise<void> {
    let pending = chunk;
    for (let round = 1; ; round += 1) {
      const answer = await this.post(pending);
      if (answer.status === 202) {
        const failed = this.count(pending, answer.body as IngestAnswer);
        if (failed.length === 0) break;
        if (round >= ATTEMPTS) {
          throw new StopError(
            `${failed.length} interaction(s) could not be queued after ${ATTEMPTS} tries`,
            failed[0]!.line,
          );
        }
        const delay = retryDelayMs(round, null);
        this.io.stderr(
          `send: ${failed.length} interaction(s) not queued, sending them again in ${seconds(delay)}\n`,
        );
        await sleep(delay);
        pending = failed;
        continue;
      }
      if (answer.status === 401 || answer.status === 403) {
        throw new StopError(describeError(answer), pending[0]!.line);
      }
      if (answer.status === 400) {
        this.rejectAll(pending, (answer.body as ApiErrorBody | undefined)?.error?.issues ?? []);
      } else {
        // 413, 415, or anything else a retry cannot fix: those lines are not stored.
        for (const item of pending) this.problem(item.line, item.id, describeError(answer));
        this.counts.rejected += pending.length;
      }
      break;
    }
    this.progress();
  }

  private async post(items: Item[]) {
    try {
      return await fetchJson(
        this.url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.key}`,
            'content-type': 'application/json',
            'user-agent': 'tokentrail-cli',
          },
          body: `{"interactions":[${items.map((item) => item.json).join(',')}]}`,
        },
        {
          attempts: ATTEMPTS,
          onRetry: (reason, delay, next, attempts) =>
            this.io.stderr(
              `send: ${reason} at line ${items[0]!.line}, try ${next}/${attempts} in ${seconds(delay)}\n`,
            ),
        },
      );
    } catch (error) {
      if (error instanceof RetriesExhaustedError) throw new StopError(error.message, items[0]!.line);
      throw error;
    }
  }

  /** Counts a 202's results; answers the items to send again. */
  private count(pending: Item[], answer: IngestAnswer): Item[] {
    const results = answer.results ?? [];
    if (results.length !== pending.length) {
      throw new StopError(
        `unexpected answer: ${results.length} result(s) for ${pending.length} interaction(s)`,
        pending[0]!.line,
      );
    }
    const failed: Item[] = [];
    for (const result of results) {
      const item = pending[result.index];
      if (!item) throw new StopError(`unexpected answer: no item ${result.index}`, pending[0]!.line);
      if (result.status === 'accepted') this.counts.accepted += 1;
      else if (result.status === 'failed') failed.push(item);
      else {
        this.counts.rejected += 1;
        for (const issue of result.issues) this.problem(item.line, item.id, describeIssue(issue).text);
      }
    }
    return failed;
  }

  /** A 400: nothing in the chunk was valid. Each issue names its item (`interactions.3.model`). */
  private rejectAll(pending: Item[], issues: { path: string; message: string }[]): void {
    const byIndex = new Map<number, string[]>();
    const general: string[] = [];
    for (const issue of issues) {
      const { index, text } = describeIssue(issue);
      if (index === undefined || !pending[index]) general.push(text);
      else byIndex.set(index, [...(byIndex.get(index) ?? []), text]);
    }
    pending.forEach((item, index) => {
      const texts = [...(byIndex.get(index) ?? []), ...general];
      for (const text of texts.length > 0 ? texts : ['rejected']) this.problem(item.line, item.id, text);
    });
    this.counts.rejected += pending.length;
  }

  /** Progress at most once a second; the summary comes at the end anyway. */
  private progress(): void {
    if (Date.now() - this.lastProgress < 1000) return;
    this.lastProgress = Date.now();
    const { read, accepted, rejected } = this.counts;
    this.io.stderr(`send: ${read} line(s) read, ${accepted} accepted, ${rejected} rejected…\n`);
  }
}

/** `interactions.3.usage.inputTokens` → item 3, `usage.inputTokens: <message>`. */
function describeIssue(issue: { path: string; message: string }): { index?: number; text: string } {
  const match = /^interactions\.(\d+)(?:\.(.*))?$/.exec(issue.path);
  if (!match) return { text: issue.path ? `${issue.path}: ${issue.message}` : issue.message };
  return { index: Number(match[1]), text: match[2] ? `${match[2]}: ${issue.message}` : issue.message };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
