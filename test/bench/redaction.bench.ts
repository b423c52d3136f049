/**
 * Redaction throughput: our engine next to the npm package `redact-pii` (SyncRedactor, default
 * detectors), same inputs, same process.
 *
 * - chat: ~512 KB of chat messages, about one in eight carrying PII or a secret;
 * - pathological: 1 MB of 8 KB blocks of adversarial runs (`a@a@…`, digit runs, `aaaa…`,
 *   `monkey=monkey=…`, `1.1.1.…`, `1 1 1…`, `a:a:…`, `+1 +1…`). redact-pii is quadratic on several of
 *   these, so it is timed on the first 64 KB (one block of each kind, the same structure as the whole
 *   input) and its rate is per MB of that prefix; ours is timed on the full 1 MB.
 */
import { Worker } from 'node:worker_threads';
import { createRedactor } from '../../shared/redaction';
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

function pathological(totalBytes: number, blockBytes: number): string {
  const units = ['a@', '1', 'a', 'monkey=', '1.', '1 ', 'a:', '+1 '];
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

/**
 * Times redact-pii on the same inputs in a worker thread running plain Node: under tsx
 * (`--conditions=import`) its JSON and protobuf dependencies are mis-transformed and it fails to
 * load. The worker has no tsx hooks (`execArgv: []`) and reports seconds back.
 */
function timeRedactPii(
  chat: string[],
  pathologicalPrefix: string,
): Promise<{ chat: number; pathological: number }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { SyncRedactor } = require(workerData.modulePath);
    const redactor = new SyncRedactor();
    for (const message of workerData.chat.slice(0, 50)) redactor.redact(message);
    let start = performance.now();
    for (const message of workerData.chat) redactor.redact(message);
    const chat = (performance.now() - start) / 1000;
    start = performance.now();
    redactor.redact(workerData.pathologicalPrefix);
    const pathological = (performance.now() - start) / 1000;
    parentPort.postMessage({ chat, pathological });
  `;
  const worker = new Worker(code, {
    eval: true,
    execArgv: [],
    workerData: { modulePath: require.resolve('redact-pii'), chat, pathologicalPrefix },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (seconds: { chat: number; pathological: number }) => {
      void worker.terminate();
      resolve(seconds);
    });
    worker.once('error', reject);
  });
}

export async function run(): Promise<void> {
  const ours = createRedactor();

  const messages = chatCorpus(512 * 1024);
  const chatBytes = messages.reduce((n, m) => n + m.length, 0);
  const chatMb = chatBytes / 1e6;
  const payloads = messages.map((content) => ({ model: 'gpt-4o', messages: [{ role: 'user', content }] }));

  const oursChat = measure(() => {
    for (const message of messages) ours.redactText(message);
  }, 2000);
  const oursJson = measure(() => {
    for (const payload of payloads) ours.redactValue(payload);
  }, 1000);

  const input = pathological(1024 * 1024, 8 * 1024);
  const prefix = input.slice(0, 8 * (8 * 1024 + 1));
  const oursPath = measure(() => ours.redactText(input), 2000);
  const oursPrefix = measure(() => ours.redactText(prefix), 1000);
  const theirs = await timeRedactPii(messages, prefix);
  const theirsChatSeconds = theirs.chat;
  const theirsPrefixSeconds = theirs.pathological;

  const mbps = (mb: number, perSecond: number) => mb * perSecond;
  const oursChatMbps = mbps(chatMb, oursChat.perSecond);
  const theirsChatMbps = chatMb / theirsChatSeconds;
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
        `${(oursChatMbps / theirsChatMbps).toFixed(0)}x`,
      ],
      [
        'chat as OpenAI JSON (redactValue)',
        `${(chatBytes / 1024).toFixed(0)} KB`,
        mbps(chatMb, oursJson.perSecond),
        '-',
        '-',
      ],
      [
        'pathological, first 64 KB',
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
    'redact-pii is timed once per input (it needs seconds); ours runs repeatedly for 1–2 s after a warm-up.\n',
  );
}
