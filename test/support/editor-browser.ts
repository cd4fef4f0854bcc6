import { ChildProcess, SpawnOptions, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import type { BrowserContext } from 'playwright-core';

// Start-up shared by the tests that run Node-RED (or the demo) and drive its editor in Chromium.

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The Chromium to drive; when there is none the test is skipped with the reason, or fails when
 * STREAM_TEST_REQUIRE_BROWSER is set (CI installs one).
 */
export function requireChromium(ctx: Mocha.Context): string {
  const chromium = CHROMIUM_CANDIDATES.find((p): p is string => !!p && fs.existsSync(p));
  if (chromium) return chromium;
  const reason = 'chromium not found (install Debian\'s chromium or set CHROMIUM_PATH)';
  if (process.env.STREAM_TEST_REQUIRE_BROWSER) throw new Error(`${reason}; STREAM_TEST_REQUIRE_BROWSER is set`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
  throw new Error('unreachable: skip() throws');
}

/** A started process and everything it has printed so far (stdout and stderr together). */
export interface Started {
  child: ChildProcess;
  output(): string;
}

/** Spawns node with `args` and resolves once its output matches `ready`; rejects on exit or after `timeoutMs`. */
export async function startNode(args: string[], options: SpawnOptions, ready: RegExp, timeoutMs: number, what: string): Promise<Started> {
  let output = '';
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
  // Keep collecting: tests read the log after start-up too.
  return { child, output: () => output };
}

/**
 * Stops a process this test started, by its handle, and waits for it to exit; with `killAfterMs`,
 * one that is still running after that long (a frozen event loop ignores SIGINT) gets SIGKILL.
 */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  if (timer) clearTimeout(timer);
}

/** A headless Chromium with a fresh profile in `profileDir` (no state from earlier runs). */
export async function launchChromium(executablePath: string, profileDir: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--no-first-run'],
  });
}
