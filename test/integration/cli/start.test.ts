/**
 * A newcomer's first `npm start`, through the real entry point (shared/cli/bin.cjs) in child
 * processes: an older Node is refused before anything starts; a failed start and a Ctrl-C stop
 * every child (DynamoDB Local, fauxqs) and print no connection errors.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'shared', 'cli', 'bin.cjs');
const NEEDS_22 = 'tokentrail needs Node.js 22.x or newer';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Command lines of running processes that mention `marker` (a unique data directory). */
function processesMentioning(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

interface Started {
  child: ChildProcess;
  done: Promise<Ran>;
  /** What the process printed on stdout so far. */
  output(): string;
}

function start(node: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  // Its own process group, like a terminal's foreground job: a "Ctrl-C" is a SIGINT to the group.
  const child = spawn(node, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout };
}

/** An older Node on this machine (the system one), if there is one. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (Number(version.split('.')[0]) < 22) return candidate;
    } catch {
      // not installed
    }
  }
  return undefined;
}

describe('npm start (tokentrail local) through shared/cli/bin.cjs', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tokentrail-start-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on an older Node (simulated) says so plainly and starts nothing', async () => {
    const { done } = start(process.execPath, ['local', '--data-dir', dataDir], {
      TOKENTRAIL_NODE_VERSION: '20.19.0',
    });
    const ran = await done;
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(NEEDS_22);
    expect(ran.stderr).toContain('this is Node.js 20.19.0');
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  const older = olderNode();
  (older ? it : it.skip)(`on the real older Node of this machine (${older ?? 'none'}) too`, async () => {
    const { done } = start(older!, ['local', '--data-dir', dataDir]);
    const ran = await done;
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(NEEDS_22);
    expect(ran.stderr).not.toContain('node:sqlite');
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('a start that fails (port in use) stops the emulators it started', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const { done } = start(process.execPath, ['local', '--data-dir', dataDir, '--port', String(port)]);
      const ran = await done;
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain('EADDRINUSE');
      expect(await waitUntil(() => processesMentioning(dataDir).length === 0, 15_000)).toBe(true);
    } finally {
      busy.close();
    }
  });

  it('Ctrl-C stops everything, without connection errors', async () => {
    const { child, done, output } = start(process.execPath, ['local', '--data-dir', dataDir, '--port', '0']);
    expect(await waitUntil(() => /stack is up/.test(output()) || child.exitCode !== null, 90_000)).toBe(true);
    expect(output()).toMatch(/stack is up/);
    process.kill(-child.pid!, 'SIGINT');
    const ran = await done;
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('stopping');
    expect(ran.stderr).not.toMatch(/ECONNREFUSED/);
    expect(await waitUntil(() => processesMentioning(dataDir).length === 0, 15_000)).toBe(true);
  });
});
