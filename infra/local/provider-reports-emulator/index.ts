/**
 * A local emulator of the providers' admin usage and cost reports (OpenAI organization Usage and
 * Costs APIs, Anthropic messages usage and cost reports) over node:http on 127.0.0.1. State
 * lives in memory and is seeded with `seed()` (the twin's `POST /_local/provider-usage`) or
 * `POST /_emulator/usage`. See server.ts for the routes and shapes.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { listenOnLoopback, stopServer } from '../loopback-server';
import { createReportHandler, type EmulatorState, seed } from './server';
import { type EmulatorSettings, emulatorSettingsSchema, type ReportProvider, type Seed } from './state';

export { LOCAL_IDS, type Seed, type SeedRecord } from './state';

export interface ProviderReportsEmulator {
  /** OpenAI base URL (`…/openai/v1`), as `new OpenAI({ baseURL })` expects. */
  openAiUrl: string;
  /** Anthropic base URL (`…/anthropic`). */
  anthropicUrl: string;
  /** The admin keys it accepts (generated per start unless given). */
  adminKeys: Record<ReportProvider, string>;
  /** Stores provider-side usage; `mode: 'append'` adds to what is there. */
  seed(body: Seed): { provider: ReportProvider; records: number };
  /** Replaces the settings (429s, page size); `{}` clears them. */
  configure(settings: EmulatorSettings): void;
  /** Every report request answered (method, path, status), control calls included. */
  requests(): readonly { method: string; path: string; status: number }[];
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Starts the emulator and resolves once it listens.
 *
 * @example
 * const reports = await startProviderReportsEmulator();
 * reports.seed({ provider: 'openai', records: [{ date: '2026-11-21', model: 'gpt-4o', requests: 10, inputTokens: 1000, outputTokens: 100, costUsd: '0.0035' }] });
 */
export async function startProviderReportsEmulator(
  options: { port?: number; adminKeys?: Partial<Record<ReportProvider, string>> } = {},
): Promise<ProviderReportsEmulator> {
  const state: EmulatorState = {
    records: { openai: [], anthropic: [] },
    settings: {},
    adminKeys: {
      openai: options.adminKeys?.openai ?? `sk-admin-local-${randomBytes(12).toString('hex')}`,
      anthropic: options.adminKeys?.anthropic ?? `sk-ant-admin01-local-${randomBytes(12).toString('hex')}`,
    },
    log: [],
  };
  const server = createServer(createReportHandler(state));
  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    openAiUrl: `http://127.0.0.1:${port}/openai/v1`,
    anthropicUrl: `http://127.0.0.1:${port}/anthropic`,
    adminKeys: { ...state.adminKeys },
    seed: (body) => seed(state, body),
    configure: (settings) => {
      state.settings = emulatorSettingsSchema.parse(settings);
    },
    requests: () => [...state.log],
    reset: () => {
      state.records = { openai: [], anthropic: [] };
      state.settings = {};
      state.log.length = 0;
    },
    stop: () => stopServer(server),
  };
}
