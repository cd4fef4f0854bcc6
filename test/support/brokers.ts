/**
 * Real brokers for the integration tests, started on demand through the repo's own scripts
 * (scripts/test-brokers/start.sh) into a temp state dir of this test run, and stopped by pid
 * in the root hooks. A broker that cannot start makes its tests pending with the reason
 * printed, or fails them when STREAM_TEST_REQUIRE_BROKERS is set (CI).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type BrokerName = 'mqtt' | 'mqtt-auth' | 'kafka';

const root = path.join(__dirname, '..', '..');
const script = (name: string) => path.join(root, 'scripts', 'test-brokers', name);
let stateDir: string | undefined;
const started = new Map<BrokerName, Promise<Record<string, string>>>();

function dir(): string {
  if (!stateDir) stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-brokers-'));
  return stateDir;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [cmd, ...args], { env: { ...process.env, STREAM_BROKERS_DIR: dir() }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-8).join('\n') || err.message}`));
      else resolve(stdout);
    });
  });
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

function which(bin: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .concat(['/usr/sbin', '/usr/bin'])
    .some((d) => fs.existsSync(path.join(d, bin)));
}

/** Why a broker cannot run on this machine, or undefined when its prerequisites are present. */
export function missingPrerequisite(name: BrokerName): string | undefined {
  // A quick local run can opt out of real brokers; their tests then show as pending.
  if (process.env.STREAM_TEST_BROKERS === 'none') return 'disabled by STREAM_TEST_BROKERS=none';
  if (name === 'kafka') {
    if (!which('java')) return 'java is not installed';
    // The broker's TLS listeners need a throw-away CA (openssl) and a keystore Java can read (keytool).
    if (!which('openssl')) return 'openssl is not installed (needed for the TLS listeners)';
    if (!which('keytool')) return 'keytool is not installed (it comes with the Java runtime)';
    const cached = fs.existsSync(path.join(os.homedir(), '.cache', 'node-red-contrib-stream-processing'));
    if (!which('mvn') && !cached) return 'mvn is not installed (needed once to fetch Kafka)';
    return undefined;
  }
  if (!which('mosquitto')) return 'mosquitto is not installed (apt-get install mosquitto)';
  if (name === 'mqtt-auth' && !which('openssl')) return 'openssl is not installed (needed for the TLS listener)';
  return undefined;
}

/** Starts (once per run) or restarts a broker; resolves with its KEY=VALUE connection settings. */
export function startBroker(name: BrokerName): Promise<Record<string, string>> {
  let p = started.get(name);
  if (!p) {
    const missing = missingPrerequisite(name);
    p = missing ? Promise.reject(new Error(missing)) : run(script('start.sh'), [name]).then(parseEnv);
    started.set(name, p);
  }
  return p;
}

/** Starts a broker again after stopBroker, on the same port and with the same data. */
export async function restartBroker(name: BrokerName): Promise<Record<string, string>> {
  started.delete(name);
  return startBroker(name);
}

/** The log file a broker of this run writes (the broker's own view: logins it refused, for instance). */
export function brokerLog(name: BrokerName): string {
  return path.join(dir(), `${name}.log`);
}

/** Stops one broker by its pid (its data stays for a restart). */
export async function stopBroker(name: BrokerName): Promise<void> {
  if (!stateDir) return;
  await run(script('stop.sh'), [name]);
}

/** Stops every broker of this run and deletes their state. */
export async function stopAll(): Promise<void> {
  if (!stateDir) return;
  await run(script('stop.sh'), ['--clean']);
  stateDir = undefined;
  started.clear();
}

/**
 * For a suite's before(): the broker's settings, or this.skip() with the reason printed — or a
 * failure when STREAM_TEST_REQUIRE_BROKERS is set.
 */
export async function requireBroker(ctx: Mocha.Context, name: BrokerName): Promise<Record<string, string>> {
  try {
    return await startBroker(name);
  } catch (err) {
    const reason = `${name} broker unavailable: ${(err as Error).message}`;
    if (process.env.STREAM_TEST_REQUIRE_BROKERS) throw new Error(`${reason} (STREAM_TEST_REQUIRE_BROKERS is set)`);
    console.log(`      pending: ${reason}`);
    ctx.skip();
    throw err;
  }
}
