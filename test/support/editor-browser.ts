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
  const reason = "chromium not found (install Debian's chromium or set CHROMIUM_PATH)";
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

/** Starts Node-RED on `userDir` with the settings file `settings` and resolves once its flows have started. */
export function startNodeRed(userDir: string, settings: string, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  return startNode(
    [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', settings],
    { cwd: userDir, env },
    /Started flows/,
    timeoutMs,
    'Node-RED',
  );
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
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A Node-RED with this package installed (linked as `npm install <path>` does) and a Chromium page on its editor. */
export interface PackageEditor {
  base: string;
  userDir: string;
  page: import('playwright-core').Page;
  /** Console errors, page errors and failed requests seen so far. */
  consoleErrors: string[];
  /** Node-RED's output so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts Node-RED on a free loopback port with the package in a fresh user directory, `flows`
 * deployed and `env` added to its environment, then opens the editor in Chromium.
 */
export async function startPackageEditor(
  chromium: string,
  root: string,
  opts: {
    flows?: object[];
    env?: NodeJS.ProcessEnv;
    viewport?: { width: number; height: number };
    /** Called before the editor loads, e.g. to watch responses. */
    onPage?(page: import('playwright-core').Page): void;
  } = {},
): Promise<PackageEditor> {
  const os = await import('os');
  const path = await import('path');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-editor-e2e-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(root, path.join(userDir, 'node_modules', pkg.name), 'junction');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'editor-e2e', version: '0.0.1', private: true, dependencies: { [pkg.name]: `file:${root}` } }),
  );
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(opts.flows ?? []));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      uiPort: port,
      flowFile: 'flows.json',
      credentialSecret: 'editor-e2e',
      diagnostics: { enabled: false },
      telemetry: { enabled: false },
      // No palette catalogue: a test machine has no network, and a failed fetch logs a console error.
      editorTheme: { tours: false, palette: { catalogues: [] } },
      contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem' } },
      logging: { console: { level: 'info', metrics: false, audit: false } },
    })};\n`,
  );
  const started = await startNodeRed(userDir, path.join(userDir, 'settings.js'), 60000, { ...process.env, ...opts.env });
  let browser: BrowserContext | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    await stopProcess(started.child);
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  try {
    browser = await launchChromium(chromium, path.join(userDir, 'chromium-profile'), opts.viewport ?? { width: 1400, height: 900 });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    opts.onPage?.(page);
    await page.goto(base + '/');
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="stream-aggregate"]', { timeout: 60000 });
    return { base, userDir, page, consoleErrors, output: started.output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs in the page: adds a node of `type` with its defaults, as a drop from the palette does, and opens its dialog. */
export function addAndEdit(type: string): string {
  const RED = (window as any).RED;
  const id = RED.nodes.id();
  const node: Record<string, unknown> = { id, type, x: 200, y: 200, z: RED.workspaces.active(), wires: [] };
  const defaults = RED.nodes.getType(type).defaults;
  for (const d of Object.keys(defaults)) node[d] = JSON.parse(JSON.stringify(defaults[d].value));
  RED.view.importNodes([node], { generateIds: false, notify: false });
  RED.editor.edit(RED.nodes.node(id));
  return id;
}
