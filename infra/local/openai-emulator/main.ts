/**
 * Runs the OpenAI Batch API emulator on its own:
 * `npx tsx infra/local/openai-emulator/main.ts` (port from `OPENAI_EMULATOR_PORT`, default 0;
 * polls per status from `OPENAI_EMULATOR_POLLS_PER_STEP`). Prints the base URL to use as
 * `OPENAI_BASE_URL`.
 */
import { startOpenAiEmulator } from './index';

async function main(): Promise<void> {
  const emulator = await startOpenAiEmulator({
    port: Number(process.env.OPENAI_EMULATOR_PORT ?? 0),
    pollsPerStep: Number(process.env.OPENAI_EMULATOR_POLLS_PER_STEP ?? 1),
  });
  process.stdout.write(`OpenAI Batch API emulator listening: OPENAI_BASE_URL=${emulator.url}\n`);
  const stop = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
