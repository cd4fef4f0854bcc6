// Steps that several window and processor node tests take the same way.
import { strict as assert } from 'assert';
import type { FakeClock } from '../support/node-test-setup';
import { Deployed, Msg, deploy, restart, settle, useFileStore } from './stream-window-support';

/**
 * The first half of the persistence tests: deploys `type` with `config` on a file context store,
 * sends `before`, restarts, and returns the node running on the restored state.
 */
export async function acrossRestart(type: string, config: Record<string, unknown>, before: Msg[]): Promise<Deployed> {
  useFileStore();
  await deploy(type, { ...config, store: 'file' });
  const d = await restart(1); // now running on the configured store
  for (const m of before) d.send(m);
  await settle();
  return restart(1);
}

/** Control messages: msg.reset for `key` (for every key without one), then msg.flush. */
export function resetThenFlush(d: Deployed, key?: string): void {
  d.send(key === undefined ? { reset: true } : { reset: true, topic: key });
  d.send({ flush: true });
}

/** A deadline `ms` ahead in processing time: 1 ms before it nothing has been sent (`why` says why); then the clock reaches it. */
export async function quietUntil(clock: FakeClock, d: Deployed, ms: number, why?: string): Promise<void> {
  clock.tick(ms - 1);
  await settle();
  assert.equal(d.out[0].length, 0, why);
  clock.tick(1);
}
