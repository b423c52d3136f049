/**
 * `tokentrail dlq list|redrive`: what is in the dead-letter queue, and moving it back to the
 * ingest queue once the cause is fixed, on the local stack or a deployed one (`--stack <name>`).
 * Dead letters are unredacted transport: `list` shows message ids, receive counts, sent times,
 * sizes and interaction ids, never a body.
 *
 * @example
 * npm run -s tokentrail -- dlq list
 * npm run -s tokentrail -- dlq redrive --stack Tokentrail-prod
 */
import { parseArgs } from 'node:util';
import { ENV, requireEnv } from '../../adapters/aws/config';
import { listDeadLetters, redriveDeadLetters } from '../../adapters/aws/dlq';
import type { CliIo } from '../io';
import { resolveTarget } from '../target';

const USAGE = `usage: tokentrail dlq list [--max N] [--json] [--stack S]
       tokentrail dlq redrive [--max N] [--id <messageId>]... [--stack S]
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      max: { type: 'string' },
      id: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  const [action] = positionals;
  const max = values.max === undefined ? undefined : Number(values.max);
  if (!action || !['list', 'redrive'].includes(action) || (max !== undefined && !(max > 0))) {
    io.stderr(USAGE);
    return 2;
  }
  await resolveTarget(values.stack, io.env);
  const deadLetterQueueUrl = requireEnv(ENV.deadLetterQueueUrl);

  if (action === 'list') {
    const letters = await listDeadLetters(deadLetterQueueUrl, max);
    if (values.json) {
      io.stdout(`${JSON.stringify(letters)}\n`);
    } else {
      for (const letter of letters) {
        io.stdout(
          `${letter.messageId}  receives=${letter.receiveCount}  sent=${letter.sentAt}  bytes=${letter.sizeBytes}  ${letter.interactionId ? `interaction=${letter.project}/${letter.interactionId}` : 'not an ingest envelope'}\n`,
        );
      }
    }
    io.stderr(`${letters.length} message(s) in the dead-letter queue\n`);
    return 0;
  }

  const result = await redriveDeadLetters({
    from: deadLetterQueueUrl,
    to: requireEnv(ENV.ingestQueueUrl),
    max,
    messageIds: values.id ? new Set(values.id) : undefined,
  });
  io.stdout(`${JSON.stringify(result)}\n`);
  io.stderr(
    `moved ${result.moved} message(s) back to the ingest queue${result.failed > 0 ? `; ${result.failed} could not be sent and stay in the dead-letter queue` : ''}\n`,
  );
  return result.failed > 0 ? 1 : 0;
}
