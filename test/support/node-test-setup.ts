// What every node test block sets up the same way: the event time it starts from, a clean runtime
// after each test, and fake timers for processing time.
import * as sinon from 'sinon';
import { helper } from './node-red-helper';

/** The event time the node tests start from. */
export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
/** One second, in ms. */
export const S = 1000;

/** Unloads the flow after each test of the calling block and forgets the context stores a test configured. */
export function unloadAfterEach(): void {
  afterEach(async () => {
    await helper.unload();
    helper.settings({ contextStorage: undefined });
  });
}

/** The part of sinon's fake clock the node tests use. */
export type FakeClock = Pick<sinon.SinonFakeTimers, 'tick' | 'countTimers' | 'setSystemTime'>;

/**
 * Fake timers and Date from `now` for each test of the calling block; setImmediate stays real, so
 * Node-RED still delivers messages. The clock returned stands for the running test's.
 */
export function fakeClockEach(now: number): FakeClock {
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => clock!.restore());
  return {
    tick: (time) => clock!.tick(time),
    countTimers: () => clock!.countTimers(),
    setSystemTime: (time) => clock!.setSystemTime(time),
  };
}
