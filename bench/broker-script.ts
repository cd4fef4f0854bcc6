import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Starts or stops test brokers through scripts/test-brokers with their state in `state`;
 * returns the KEY=VALUE lines the script printed (how to reach them). The script's progress
 * goes to stderr unless `quiet`.
 */
export function brokerScript(state: string, action: 'start' | 'stop', names: string[], quiet: boolean): Record<string, string> {
  const out = execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'test-brokers', `${action}.sh`), ...names], {
    env: { ...process.env, STREAM_BROKERS_DIR: state },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', quiet ? 'ignore' : 'inherit'],
  });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}
