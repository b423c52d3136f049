/**
 * Redaction throughput: our engine next to the npm package `redact-pii` (SyncRedactor, default
 * detectors), same inputs, same process.
 *
 * - chat: ~512 KB of chat messages, about one in eight carrying PII or a secret;
 * - dense: ~512 KB of short messages with a value every ~130 bytes, drawn from every family of the
 *   global corpus (national identifiers, phone forms, e-mails, service credentials, database URLs);
 * - pathological: 1 MB of 8 KB blocks of adversarial runs (`a@a@…`, digit runs, `aaaa…`,
 *   `monkey=monkey=…`, `1.1.1.…`, `1 1 1…`, `a:a:…`, `+1 +1…`, `%4%4…`, `\"\"…`, `AB12 AB12 …`,
 *   `1234567Z …`). redact-pii is quadratic on several of
 *   these, so it is timed on the first 96 KB (one block of each kind, the same structure as the whole
 *   input) and its rate is per MB of that prefix; ours is timed on the full 1 MB.
 */
import { Worker } from 'node:worker_threads';
import { createRedactor } from '../../shared/domain/redaction';
import { FAMILIES } from '../unit/redaction/corpus/global';
import {
  creditCard,
  email,
  iban,
  int,
  ipv4,
  nanpPhone,
  openAiKey,
  pick,
  seededRandom,
  ssn,
} from '../unit/redaction/corpus/values';
import { measure, table } from './measure';

const PLAIN = [
  'Can you summarize the attached meeting notes in three bullet points?',
  'Write a Python function that merges two sorted lists without using sort().',
  'What is the difference between a process and a thread?',
  'Translate "good morning, see you tomorrow" into German and French.',
  'The deployment failed at 2024-05-01T12:30:45Z with exit code 137; the pod was OOMKilled.',
  'Our Q3 revenue was $1,245,000, up 12.5% from Q2. Draft a short update for the board.',
  'Explain how HTTP/2 multiplexing works, with an example of two concurrent streams.',
  'I ordered item #48213 on March 3rd and it still has not arrived, what can I do?',
  'Refactor this SQL so that it uses a CTE instead of the nested subquery.',
  'Give me a packing list for a 5-day hiking trip in the Alps in September.',
  'The model gpt-4o-2024-08-06 returned 1532 tokens; is that within our budget of 2000?',
  'Please proofread: "Their going to the conference on the 14th, its in room 3.2."',
  'Why does my React component re-render twice in development mode?',
  'Compare PostgreSQL and DynamoDB for a write-heavy event log with 10k writes per second.',
  'Request 550e8400-e29b-41d4-a716-446655440000 took 845 ms, version 1.2.3 of the SDK.',
];

function chatCorpus(targetBytes: number): string[] {
  const random = seededRandom(42);
  const messages: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    let message = Array.from({ length: int(random, 1, 4) }, () => pick(random, PLAIN)).join(' ');
    if (random() < 0.125) {
      message += pick(random, [
        ` You can reach me at ${email(random)} or ${nanpPhone(random)}.`,
        ` My card ${creditCard(random)} was charged twice.`,
        ` My SSN is ${ssn(random)} for the tax form.`,
        ` Please wire it to ${iban(random)}.`,
        ` The server at ${ipv4(random)} rejects my key ${openAiKey(random)}.`,
      ]);
    }
    messages.push(message);
    size += message.length;
  }
  return messages;
}

const FILLER = [
  'Thanks, see the ticket below.',
  'Can you check this for me?',
  'Customer reply:',
  'Updated the record with',
  'Please confirm',
  'Logged at 12:30:45 from the form,',
  'version 1.2.3 says',
  'ok',
];

/** Messages of ~130 bytes, each with one value of a family of the global corpus (named as users name them). */
function denseCorpus(targetBytes: number): string[] {
  const random = seededRandom(7);
  const families = Object.values(FAMILIES);
  const messages: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    const sample = pick(random, families)(random);
    let message = `${pick(random, FILLER)} ${sample.cue} ${sample.value}.`;
    while (message.length < 110) message += ` ${pick(random, FILLER)}`;
    messages.push(message);
    size += message.length;
  }
  return messages;
}

function pathological(totalBytes: number, blockBytes: number): string {
  const units = ['a@', '1', 'a', 'monkey=', '1.', '1 ', 'a:', '+1 ', '%4', '\\"', 'AB12 ', '1234567Z '];
  const blocks: string[] = [];
  let size = 0;
  for (let i = 0; size < totalBytes; i++) {
    const unit = units[i % units.length]!;
    const block = unit.repeat(Math.ceil(blockBytes / unit.length)).slice(0, blockBytes);
    blocks.push(block);
    size += block.length;
  }
  return blocks.join('\n');
}

/** One timed task in the redact-pii worker: a pass over the chat or dense corpus, or the pathological prefix. */
type RedactPiiTask = 'chat' | 'dense' | 'pathological';

interface RedactPiiWorker {
  /** Seconds one run of the task took. */
  time(task: RedactPiiTask): Promise<number>;
  close(): void;
}

/**
 * Runs redact-pii on the same inputs in a worker thread running plain Node: under tsx
 * (`--conditions=import`) its JSON and protobuf dependencies are mis-transformed and it fails to
 * load. The worker has no tsx hooks (`execArgv: []`), stays up between tasks (so rounds can
 * alternate with ours) and reports seconds back.
 */
function startRedactPii(chat: string[], dense: string[], pathologicalPrefix: string): RedactPiiWorker {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { SyncRedactor } = require(workerData.modulePath);
    const redactor = new SyncRedactor();
    parentPort.on('message', (task) => {
      const start = performance.now();
      if (task === 'pathological') redactor.redact(workerData.pathologicalPrefix);
      else for (const message of workerData[task]) redactor.redact(message);
      parentPort.postMessage((performance.now() - start) / 1000);
    });
  `;
  const worker = new Worker(code, {
    eval: true,
    execArgv: [],
    workerData: { modulePath: require.resolve('redact-pii'), chat, dense, pathologicalPrefix },
  });
  // One task at a time: the pending one settles on the worker's next message or error.
  let pending: { resolve: (seconds: number) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  worker.on('message', (seconds: number) => pending?.resolve(seconds));
  worker.on('error', (error) => {
    failure = error;
    pending?.reject(error);
  });
  return {
    time: (task) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        pending = { resolve, reject };
        worker.postMessage(task);
      }),
    close: () => void worker.terminate(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rounds of the chat comparison; each figure is the median over the rounds. */
const CHAT_ROUNDS = 7;

/**
 * Chat throughput of both engines, in alternating rounds so that a busy machine slows both alike:
 * each round times one redact-pii pass over the corpus (about 0.2 s) and our passes for 0.25 s
 * (total time over total passes, garbage collection included, like redact-pii's pass). Both are
 * warmed up first: one untimed redact-pii pass, 0.4 s of ours. The ratio is the median of the
 * rounds' ratios: each compares two runs made back to back, under the same load.
 */
async function compareChat(
  ours: () => void,
  theirs: RedactPiiWorker,
  task: RedactPiiTask = 'chat',
): Promise<{ oursSeconds: number; theirsSeconds: number; ratio: number }> {
  await theirs.time(task);
  measure(ours, 400);
  const oursRounds: number[] = [];
  const theirsRounds: number[] = [];
  for (let round = 0; round < CHAT_ROUNDS; round++) {
    theirsRounds.push(await theirs.time(task));
    let passes = 0;
    const start = performance.now();
    let now = start;
    while (now - start < 250) {
      ours();
      passes += 1;
      now = performance.now();
    }
    oursRounds.push((now - start) / 1000 / passes);
  }
  return {
    oursSeconds: median(oursRounds),
    theirsSeconds: median(theirsRounds),
    ratio: median(theirsRounds.map((seconds, round) => seconds / oursRounds[round]!)),
  };
}

export async function run(): Promise<void> {
  const ours = createRedactor();

  const messages = chatCorpus(512 * 1024);
  const chatBytes = messages.reduce((n, m) => n + m.length, 0);
  const chatMb = chatBytes / 1e6;
  const payloads = messages.map((content) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] }));

  const denseMessages = denseCorpus(512 * 1024);
  const denseBytes = denseMessages.reduce((n, m) => n + m.length, 0);

  const input = pathological(1024 * 1024, 8 * 1024);
  const prefix = input.slice(0, 12 * (8 * 1024 + 1));
  const theirs = startRedactPii(messages, denseMessages, prefix);
  const chat = await compareChat(() => {
    for (const message of messages) ours.redactText(message);
  }, theirs);
  const dense = await compareChat(
    () => {
      for (const message of denseMessages) ours.redactText(message);
    },
    theirs,
    'dense',
  );
  const oursJson = measure(() => {
    for (const payload of payloads) ours.redactValue(payload);
  }, 1000);

  const oursPath = measure(() => ours.redactText(input), 2000);
  const oursPrefix = measure(() => ours.redactText(prefix), 1000);
  const theirsPrefixSeconds = await theirs.time('pathological');
  theirs.close();

  const mbps = (mb: number, perSecond: number) => mb * perSecond;
  const oursChatMbps = chatMb / chat.oursSeconds;
  const theirsChatMbps = chatMb / chat.theirsSeconds;
  const prefixMb = prefix.length / 1e6;
  const oursPrefixMbps = mbps(prefixMb, oursPrefix.perSecond);
  const theirsPrefixMbps = prefixMb / theirsPrefixSeconds;

  process.stdout.write(
    table([
      ['input', 'size', 'tokentrail MB/s', 'redact-pii MB/s', 'ratio'],
      [
        `chat (${messages.length} messages, text)`,
        `${(chatBytes / 1024).toFixed(0)} KB`,
        oursChatMbps,
        theirsChatMbps,
        `${chat.ratio.toFixed(0)}x`,
      ],
      [
        `dense (${denseMessages.length} messages, a value per ${Math.round(denseBytes / denseMessages.length)} B)`,
        `${(denseBytes / 1024).toFixed(0)} KB`,
        denseBytes / 1e6 / dense.oursSeconds,
        denseBytes / 1e6 / dense.theirsSeconds,
        `${dense.ratio.toFixed(0)}x`,
      ],
      [
        'chat as OpenAI JSON (redactValue)',
        `${(chatBytes / 1024).toFixed(0)} KB`,
        mbps(chatMb, oursJson.perSecond),
        '-',
        '-',
      ],
      [
        'pathological, first 96 KB',
        `${(prefix.length / 1024).toFixed(0)} KB`,
        oursPrefixMbps,
        theirsPrefixMbps,
        `${(oursPrefixMbps / theirsPrefixMbps).toFixed(0)}x`,
      ],
      [
        'pathological, full 1 MB',
        `${(input.length / 1024).toFixed(0)} KB`,
        mbps(input.length / 1e6, oursPath.perSecond),
        '-',
        '-',
      ],
    ]),
  );
  process.stdout.write(
    `chat and dense: medians of ${CHAT_ROUNDS} alternating rounds (one redact-pii pass, 0.25 s of ours; ratio: median of the rounds' ratios), both warmed up; ` +
      'pathological: redact-pii is timed once (it needs seconds), ours runs repeatedly for 1–2 s after a warm-up.\n',
  );
}
